// End-user page (local server only): sign in with e-mail and password, see GET /me (every
// customer where the identity holds an active access) and, for the chosen customer,
// GET /me/transactions?customerId=...
import { h, tx, mount, showMessage, clearMessage, formatDate, wireSkipLink } from '/dom.js';
import { t, initI18n, getLang, onLangChange, languageSelect } from '/i18n.js';
import { loadConfig, configureAuth, api, errorKey, query } from '/api.js';
import { createSession, localEndUserLogin } from '/auth.js';
import { field, clearFieldErrors, applyFieldErrors, errorSummaryList } from '/forms.js';

const session = createSession('dap.enduser');
// The customer chosen in the switcher, for this browser session.
const SELECTED_KEY = 'dap.enduser.customer';
const msg = document.getElementById('msg');
const content = document.getElementById('content');
const title = document.getElementById('title');
const signOutButton = document.getElementById('sign-out');
let cleanup = null;
// Counts the loads of transactions, so that a slower earlier answer never overwrites a later one.
let loadSeq = 0;

function setTitle(key) {
  title.dataset.i18n = key;
  title.textContent = t(key);
}

function stopListening() {
  if (cleanup) { cleanup(); cleanup = null; }
}

/** The fields left empty, as the API would name them (code `required`). */
function missingFields(fields) {
  return fields.filter((f) => !f.input.value.trim()).map((f) => ({ field: f.name, code: 'required' }));
}

/** Field errors next to the fields and in a summary linking to them, the focus on the first;
 * false when there are none. */
function showFieldErrors(fields, errors) {
  if (!errors || !errors.length) return false;
  showMessage(msg, { kind: 'error', key: 'error.422fields', args: { count: errors.length }, actions: [errorSummaryList(fields, errors)] });
  applyFieldErrors(fields, errors);
  return true;
}

function renderSignIn() {
  signOutButton.hidden = true;
  stopListening();
  setTitle('me.signInTitle');
  const fid = 'me';
  const email = field(fid, { name: 'email', labelKey: 'me.email', type: 'email', required: true, autocomplete: 'username' });
  const password = field(fid, { name: 'password', labelKey: 'me.password', type: 'password', required: true, autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'me.signIn' });
  const form = h('form', { class: 'card stack', novalidate: true },
    tx('p', 'me.signInIntro'), email.wrap, password.wrap, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors([email, password]);
    clearMessage(msg);
    if (showFieldErrors([email, password], missingFields([email, password]))) return;
    submit.disabled = true;
    try {
      await localEndUserLogin(session, email.input.value.trim(), password.input.value);
      await renderMe();
      title.focus();
    } catch (err) {
      if (err.status === 422 && showFieldErrors([email, password], err.errors)) return;
      showMessage(msg, { kind: 'error', key: errorKey(err, { 401: 'me.wrongCredentials' }) });
      email.input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  mount(content, form);
}

// ---- the chosen customer ------------------------------------------------------------------

function storedSelection() {
  try { return sessionStorage.getItem(SELECTED_KEY); } catch { return null; }
}

function storeSelection(customerId) {
  try {
    if (customerId) sessionStorage.setItem(SELECTED_KEY, customerId);
    else sessionStorage.removeItem(SELECTED_KEY);
  } catch { /* storage unavailable: the choice lasts for this page only */ }
}

/** The remembered customer while it is still in the list, otherwise the first one. */
function validSelection(customers) {
  const stored = storedSelection();
  const entry = customers.find((c) => c.customer.id === stored) || customers[0] || null;
  const id = entry ? entry.customer.id : null;
  storeSelection(id);
  return id;
}

// ---- building blocks ------------------------------------------------------------------------

/** The switcher between the customers: a labelled <select>, usable with the keyboard. */
function customerSwitcher(customers, selectedId, onSelect) {
  const id = 'me-customer-select';
  const select = h('select', { id, name: 'customer', 'aria-describedby': `${id}-hint`, 'aria-controls': 'me-selected' },
    customers.map((c) => h('option', { value: c.customer.id }, c.customer.displayName)));
  select.value = selectedId;
  select.addEventListener('change', () => onSelect(select.value));
  return h('div', { class: 'card customer-switcher' },
    h('div', { class: 'field' },
      tx('label', 'me.switcherLabel', null, { for: id }),
      tx('p', 'me.switcherHint', { count: customers.length }, { id: `${id}-hint`, class: 'field-hint' }),
      select));
}

function accessFacts(entry) {
  const access = entry.access || {};
  const customer = entry.customer || {};
  return h('section', { class: 'card', 'aria-labelledby': 'me-access' },
    h('dl', { class: 'facts' },
      tx('dt', 'me.customer'), h('dd', { id: 'me-customer' }, customer.displayName || ''),
      tx('dt', 'me.access', null, { id: 'me-access' }),
      h('dd', {}, [access.firstName, access.lastName].filter(Boolean).join(' '), ' ',
        h('span', { class: 'muted' }, `(${access.email || ''})`))));
}

/** transactions: a list, or null while they are loading. */
function transactionsSection(transactions) {
  let body;
  if (!transactions) body = tx('p', 'common.loading', null, { class: 'muted' });
  else if (!transactions.length) body = tx('p', 'me.noTransactions', null, { class: 'empty' });
  else {
    body = h('ul', { class: 'item-list', id: 'me-transactions' }, transactions.map((tr) => h('li', { class: 'item' },
      h('div', { class: 'item-main' },
        h('p', { class: 'item-title' }, tr.title),
        h('p', { class: 'item-sub' }, tx('span', `transactionStatus.${tr.status}`), ' · ', formatDate(tr.createdAt, getLang()))))));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'me-tr', 'aria-busy': transactions ? 'false' : 'true' },
    tx('h2', 'me.transactions', null, { id: 'me-tr' }), body);
}

function emptyState() {
  return h('section', { class: 'card empty-state', id: 'me-empty' }, tx('p', 'me.noActiveAccess', null, { class: 'empty' }));
}

// ---- the signed-in page -------------------------------------------------------------------

/** Shows an error from loading; false when the sign-in page takes over (401). */
function showLoadError(err) {
  if (err.status === 401) return false;
  mount(content);
  showMessage(msg, { kind: 'error', key: errorKey(err, { 403: 'me.forbidden' }) });
  return true;
}

/** The chosen customer's access and transactions (state.transactions null: loading). */
function renderDetail(state) {
  const entry = state.customers.find((c) => c.customer.id === state.selectedId) || state.customers[0];
  const current = content.querySelector('#me-selected');
  // Only the detail is replaced, so that the switcher keeps the keyboard focus.
  if (entry && current) {
    current.replaceWith(h('div', { id: 'me-selected' }, accessFacts(entry), transactionsSection(state.transactions)));
  }
}

/** Loads the chosen customer's transactions into state and shows them. */
async function loadTransactions(state) {
  const seq = ++loadSeq;
  state.transactions = null;
  renderDetail(state);
  try {
    const { data } = await api(`/me/transactions${query({ customerId: state.selectedId })}`);
    if (seq !== loadSeq) return;
    state.transactions = (data && data.items) || [];
    state.reloaded = false;
    renderDetail(state);
  } catch (err) {
    if (seq !== loadSeq) return;
    if (err.status === 404 && !state.reloaded) await customerGone();
    else showLoadError(err);
  }
}

/** The access at the chosen customer ended since /me was read: read the list again (once),
 * say why the page changed, and keep the focus on the page. */
async function customerGone() {
  await renderMe({ reloaded: true });
  if (!session.getToken()) return;
  showMessage(msg, { kind: 'info', key: 'me.customerGone' });
  if (!content.contains(document.activeElement)) title.focus();
}

/** The page for the list of customers: empty state, or (switcher and) the chosen one. */
async function renderCustomers(customers, reloaded) {
  stopListening();
  if (!customers.length) {
    storeSelection(null);
    mount(content, emptyState());
    return;
  }
  const state = { customers, selectedId: validSelection(customers), transactions: null, reloaded };
  const onSelect = (customerId) => {
    state.selectedId = customerId;
    storeSelection(customerId);
    clearMessage(msg);
    loadTransactions(state);
  };
  mount(content,
    customers.length > 1 ? customerSwitcher(customers, state.selectedId, onSelect) : null,
    h('div', { id: 'me-selected' }));
  cleanup = onLangChange(() => renderDetail(state));
  await loadTransactions(state);
}

async function renderMe({ reloaded = false } = {}) {
  signOutButton.hidden = false;
  setTitle('me.title');
  loadSeq += 1;
  mount(content, tx('p', 'common.loading', null, { class: 'muted' }));
  let me;
  try {
    ({ data: me } = await api('/me'));
  } catch (err) {
    showLoadError(err);
    return;
  }
  await renderCustomers((me && Array.isArray(me.customers)) ? me.customers : [], reloaded);
}

async function start() {
  initI18n({ storageKey: 'dap.lang.enduser' });
  wireSkipLink();
  document.getElementById('lang-slot').replaceChildren(languageSelect('lang-select'));
  let cfg;
  try {
    cfg = await loadConfig();
  } catch {
    showMessage(msg, { kind: 'error', key: 'error.config' });
    return;
  }
  if (cfg.auth.mode !== 'local') {
    showMessage(msg, { kind: 'info', key: 'me.onlyLocal' });
    return;
  }
  configureAuth({
    getToken: () => session.getToken(),
    onUnauthorized: () => {
      session.clear();
      showMessage(msg, { kind: 'error', key: 'auth.expired' });
      renderSignIn();
    },
  });
  signOutButton.addEventListener('click', () => {
    session.clear();
    storeSelection(null);
    stopListening();
    showMessage(msg, { kind: 'success', key: 'auth.signedOut' });
    renderSignIn();
    title.focus();
  });
  if (session.getToken()) await renderMe();
  else renderSignIn();
}

start();
