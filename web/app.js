// Web console for specialist users: customer overview, customer data, authorisations,
// business transactions. Plain ES modules, no build step.
import {
  h, tx, mount, openDialog, confirmDialog, showMessage, clearMessage, liveRegion,
  formatDate, debounce, focusMain, wireSkipLink,
} from '/dom.js';
import { t, initI18n, getLang, onLangChange, languageSelect } from '/i18n.js';
import { loadConfig, configureAuth, api, query, seg, errorKey, uuid } from '/api.js';
import {
  createSession, listLocalSpecialists, localSpecialistLogin, startOidcLogin, completeOidcLogin, signOut,
} from '/auth.js';
import { field, applyFieldErrors, clearFieldErrors, otherErrorsList } from '/forms.js';

const session = createSession('dap.console');
let config = null;
let main;
let globalMsg;
let pendingFlash = null;
let firstRender = true;
let currentCleanup = null;
let routeSeq = 0;

/**
 * Registers what to undo when the view that was current at `seq` is left (e.g. a language
 * listener). A view that was already left while it was loading undoes it at once.
 */
function onLeave(seq, fn) {
  if (seq !== routeSeq) { fn(); return; }
  if (currentCleanup) currentCleanup();
  currentCleanup = fn;
}

// ---------------------------------------------------------------------------------------------
// Start-up, routing, shell
// ---------------------------------------------------------------------------------------------

async function start() {
  initI18n({ storageKey: 'dap.lang' });
  wireSkipLink();
  main = document.getElementById('main');
  globalMsg = document.getElementById('global-msg');
  document.getElementById('lang-slot').replaceChildren(languageSelect('lang-select'));
  document.getElementById('sign-out').addEventListener('click', onSignOut);
  try {
    config = await loadConfig();
  } catch {
    showMessage(globalMsg, { kind: 'error', key: 'error.config' });
    return;
  }
  configureAuth({
    getToken: () => session.getToken(),
    onUnauthorized: () => {
      session.clear();
      flash({ kind: 'error', key: 'auth.expired' });
      route();
    },
  });
  if (config.auth.mode === 'oidc') {
    try {
      const res = await completeOidcLogin(config.auth, session);
      if (res.handled && res.returnTo) window.location.hash = res.returnTo.replace(/^#/, '');
    } catch (e) {
      flash({ kind: 'error', key: e.message === 'oidc-state' ? 'auth.oidcState' : 'auth.oidcFailed' });
    }
  }
  window.addEventListener('hashchange', route);
  onLangChange(() => updateShell());
  route();
}

function flash(msg) {
  pendingFlash = msg;
}

function parseRoute() {
  const hash = window.location.hash.replace(/^#/, '') || '/customers';
  const parts = hash.split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'customers') return { name: 'overview' };
  if (parts.length === 1) return { name: 'overview' };
  if (parts[1] === 'new') return { name: 'create' };
  const id = parts[1];
  const tab = parts[2] || 'data';
  if (!['data', 'authorisations', 'transactions'].includes(tab)) return { name: 'customer', id, tab: 'data' };
  return { name: 'customer', id, tab };
}

export function go(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

function updateShell() {
  const user = session.getToken() ? session.getUser() : null;
  const userBox = document.getElementById('user-box');
  const nav = document.getElementById('main-nav');
  userBox.hidden = !user;
  nav.hidden = !user;
  const name = document.getElementById('user-name');
  if (user) mount(name, tx('span', 'shell.signedInAs', { name: user.name || user.email || '' }));
  const r = parseRoute();
  for (const a of nav.querySelectorAll('a')) {
    const active = a.dataset.route === 'overview' && (r.name === 'overview' || r.name === 'create' || r.name === 'customer');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function route() {
  routeSeq += 1;
  const seq = routeSeq;
  if (currentCleanup) {
    currentCleanup();
    currentCleanup = null;
  }
  updateShell();
  clearMessage(globalMsg);
  if (pendingFlash) {
    showMessage(globalMsg, pendingFlash);
    pendingFlash = null;
  }
  const moveFocus = !firstRender;
  firstRender = false;
  if (!session.getToken()) {
    await renderSignIn();
    return;
  }
  const r = parseRoute();
  if (r.name === 'overview') await renderOverview();
  else if (r.name === 'create') await renderCreate();
  else if (r.name === 'customer') await renderCustomer(r.id, r.tab);
  if (moveFocus && seq === routeSeq) focusMain();
}

function onSignOut() {
  const redirected = signOut(config && config.auth, session);
  if (!redirected) {
    flash({ kind: 'success', key: 'auth.signedOut' });
    go('#/customers');
  }
}

/** Shows an API error in a message region; returns true. */
function showError(region, err, overrides = {}, actions) {
  if (err && err.status === 401) return true; // handled globally
  // A specific text of ours says it all; otherwise the server's detail adds what went wrong.
  const specific = err && overrides[err.status];
  showMessage(region, {
    kind: 'error',
    key: errorKey(err, overrides),
    detail: !specific && err && err.detail && err.detail !== (err.problem && err.problem.title) ? err.detail : undefined,
    actions,
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Sign in
// ---------------------------------------------------------------------------------------------

async function renderSignIn() {
  const msg = liveRegion();
  const content = h('div', { class: 'card narrow' });
  mount(main, tx('h1', 'auth.title'), msg, content);
  if (config.auth.mode === 'oidc') {
    mount(content,
      tx('p', 'auth.oidcIntro'),
      h('button', {
        type: 'button', class: 'primary', i18n: 'auth.oidcButton',
        onclick: () => startOidcLogin(config.auth, window.location.hash),
      }));
    return;
  }
  mount(content, tx('p', 'common.loading', null, { class: 'muted' }));
  let specialists;
  try {
    specialists = await listLocalSpecialists();
  } catch (err) {
    mount(content);
    showError(msg, err);
    return;
  }
  const fieldsetId = 'signin-specialists';
  const form = h('form', { class: 'stack', novalidate: true },
    tx('p', 'auth.localIntro'),
    h('fieldset', { id: fieldsetId },
      tx('legend', 'auth.chooseSpecialist'),
      specialists.map((s, i) => h('div', { class: 'choice' },
        h('input', { type: 'radio', name: 'specialist', id: `signin-${s.id}`, value: s.id, checked: i === 0 }),
        h('label', { for: `signin-${s.id}` }, s.name, ' ', h('span', { class: 'muted' }, `(${s.email})`))))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', i18n: 'auth.signIn' })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = form.querySelector('input[name="specialist"]:checked');
    if (!chosen) return;
    const specialist = specialists.find((s) => s.id === chosen.value);
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await localSpecialistLogin(session, specialist);
      clearMessage(globalMsg);
      firstRender = false;
      route();
    } catch (err) {
      showError(msg, err, { 401: 'auth.failed' });
    } finally {
      button.disabled = false;
    }
  });
  mount(content, form);
}

// ---------------------------------------------------------------------------------------------
// Customer overview
// ---------------------------------------------------------------------------------------------

const overviewState = { q: '', type: '', limit: 25, cursors: [null], page: 0 };

async function renderOverview() {
  const seq = routeSeq;
  const st = overviewState;
  const msg = liveRegion();
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const search = h('input', {
    type: 'search', id: 'overview-q', name: 'q', value: st.q, autocomplete: 'off',
    i18nAttr: { placeholder: 'overview.searchPlaceholder' }, 'aria-describedby': 'overview-q-hint',
  });
  const typeSelect = h('select', { id: 'overview-type', name: 'type' },
    h('option', { value: '', i18n: 'overview.typeAll' }),
    h('option', { value: 'person', i18n: 'customerType.person' }),
    h('option', { value: 'company', i18n: 'customerType.company' }));
  typeSelect.value = st.type;
  const limitSelect = h('select', { id: 'overview-limit', name: 'limit' },
    [10, 25, 50, 100].map((n) => h('option', { value: String(n) }, String(n))));
  limitSelect.value = String(st.limit);
  const tbody = h('tbody');
  const table = h('table', { class: 'list-table' },
    tx('caption', 'overview.caption', null, { class: 'sr-only' }),
    h('thead', {}, h('tr', {},
      tx('th', 'customer.name', null, { scope: 'col' }),
      tx('th', 'customer.type', null, { scope: 'col' }),
      tx('th', 'customer.email', null, { scope: 'col' }),
      tx('th', 'customer.createdAt', null, { scope: 'col' }))),
    tbody);
  const empty = tx('p', 'overview.empty', null, { class: 'empty', hidden: true });
  const prev = h('button', { type: 'button', class: 'secondary', i18n: 'overview.prev' });
  const next = h('button', { type: 'button', class: 'secondary', i18n: 'overview.next' });
  const pageLabel = h('span', { class: 'muted' });
  const pager = h('nav', { class: 'pager', i18nAttr: { 'aria-label': 'overview.paging' } }, prev, pageLabel, next);

  mount(main,
    h('div', { class: 'page-head' },
      tx('h1', 'overview.title'),
      h('a', { href: '#/customers/new', class: 'button primary', i18n: 'overview.add', id: 'add-customer' })),
    msg,
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); reset(); } },
      h('div', { class: 'field' },
        tx('label', 'overview.search', null, { for: 'overview-q' }),
        tx('p', 'overview.searchHint', null, { id: 'overview-q-hint', class: 'field-hint' }),
        search),
      h('div', { class: 'field' }, tx('label', 'customer.type', null, { for: 'overview-type' }), typeSelect),
      h('div', { class: 'field' }, tx('label', 'overview.perPage', null, { for: 'overview-limit' }), limitSelect)),
    status,
    h('div', { class: 'table-wrap' }, table),
    empty,
    pager);

  let loadSeq = 0;
  async function load() {
    loadSeq += 1;
    const mySeq = loadSeq;
    mount(status, tx('span', 'common.loading'));
    try {
      const { data } = await api(`/customers${query({
        q: st.q.trim(), type: st.type, limit: st.limit, cursor: st.cursors[st.page],
      })}`);
      if (mySeq !== loadSeq) return;
      clearMessage(msg);
      const items = data.items || [];
      mount(tbody, items.map((c) => h('tr', {},
        h('td', { dataset: { label: t('customer.name') } },
          h('a', { href: `#/customers/${seg(c.id)}` }, c.displayName || c.email || c.id)),
        h('td', { dataset: { label: t('customer.type') } }, tx('span', `customerType.${c.type}`)),
        h('td', { dataset: { label: t('customer.email') } }, c.email || ''),
        h('td', { dataset: { label: t('customer.createdAt') } }, formatDate(c.createdAt, getLang())))));
      table.hidden = items.length === 0;
      empty.hidden = items.length !== 0;
      st.cursors[st.page + 1] = data.nextCursor || null;
      st.cursors.length = st.page + 2;
      prev.disabled = st.page === 0;
      next.disabled = !data.nextCursor;
      pager.hidden = st.page === 0 && !data.nextCursor;
      mount(pageLabel, tx('span', 'overview.page', { page: st.page + 1 }));
      mount(status, tx('span', 'overview.count', { count: items.length }));
    } catch (err) {
      if (mySeq !== loadSeq) return;
      mount(status);
      showError(msg, err);
    }
  }
  function reset() {
    st.q = search.value;
    st.page = 0;
    st.cursors = [null];
    load();
  }
  const debounced = debounce(reset, 300);
  search.addEventListener('input', debounced);
  typeSelect.addEventListener('change', () => { st.type = typeSelect.value; reset(); });
  limitSelect.addEventListener('change', () => { st.limit = Number(limitSelect.value); reset(); });
  prev.addEventListener('click', () => { if (st.page > 0) { st.page -= 1; load(); } });
  next.addEventListener('click', () => { if (st.cursors[st.page + 1]) { st.page += 1; load(); } });
  // Rows carry translated data-labels for the narrow layout: reload on language change.
  onLeave(seq, onLangChange(() => load()));
  await load();
}

// ---------------------------------------------------------------------------------------------
// Customer form (create and edit)
// ---------------------------------------------------------------------------------------------

const SALUTATIONS = ['ms', 'mr'];

function customerFields(formId, c = {}) {
  const a = c.address || {};
  const salutationOptions = [{ value: '', labelKey: 'salutation.none' },
    ...SALUTATIONS.map((s) => ({ value: s, labelKey: `salutation.${s}` }))];
  if (c.salutation && !SALUTATIONS.includes(c.salutation)) {
    salutationOptions.push({ value: c.salutation, labelKey: `salutation.${c.salutation}` });
  }
  const f = (spec) => field(formId, spec);
  return {
    person: [
      f({ name: 'salutation', labelKey: 'customer.salutation', type: 'select', options: salutationOptions, value: c.salutation || '' }),
      f({ name: 'title', labelKey: 'customer.title', autocomplete: 'honorific-prefix', value: c.title }),
      f({ name: 'firstName', labelKey: 'customer.firstName', required: true, autocomplete: 'given-name', value: c.firstName }),
      f({ name: 'lastName', labelKey: 'customer.lastName', required: true, autocomplete: 'family-name', value: c.lastName }),
      f({ name: 'dateOfBirth', labelKey: 'customer.dateOfBirth', type: 'date', autocomplete: 'bday', value: c.dateOfBirth }),
    ],
    company: [
      f({ name: 'companyName', labelKey: 'customer.companyName', required: true, autocomplete: 'organization', value: c.companyName, wide: true }),
      f({ name: 'legalForm', labelKey: 'customer.legalForm', hintKey: 'customer.legalFormHint', value: c.legalForm }),
      f({ name: 'registerNumber', labelKey: 'customer.registerNumber', hintKey: 'customer.registerNumberHint', value: c.registerNumber }),
      f({ name: 'vatId', labelKey: 'customer.vatId', hintKey: 'customer.vatIdHint', value: c.vatId }),
      f({ name: 'contactFirstName', labelKey: 'customer.contactFirstName', required: true, autocomplete: 'given-name', value: c.contactFirstName }),
      f({ name: 'contactLastName', labelKey: 'customer.contactLastName', required: true, autocomplete: 'family-name', value: c.contactLastName }),
    ],
    contact: [
      f({ name: 'email', labelKey: 'customer.email', type: 'email', required: true, autocomplete: 'email', value: c.email, hintKey: 'customer.emailHint' }),
      f({ name: 'mobile', labelKey: 'customer.mobile', type: 'tel', autocomplete: 'tel', value: c.mobile, hintKey: 'customer.mobileHint' }),
      f({
        name: 'language', labelKey: 'customer.language', type: 'select', value: c.language || 'de', hintKey: 'customer.languageHint',
        options: [{ value: 'de', labelKey: 'language.de' }, { value: 'en', labelKey: 'language.en' }],
      }),
    ],
    address: [
      f({ name: 'address.street', labelKey: 'address.street', autocomplete: 'street-address', value: a.street, wide: true }),
      f({ name: 'address.postalCode', labelKey: 'address.postalCode', autocomplete: 'postal-code', value: a.postalCode }),
      f({ name: 'address.city', labelKey: 'address.city', autocomplete: 'address-level2', value: a.city }),
      f({ name: 'address.country', labelKey: 'address.country', autocomplete: 'country', value: a.country, hintKey: 'address.countryHint', maxlength: '2' }),
    ],
  };
}

/**
 * Builds the customer form. mode 'create' shows the type choice; 'edit' shows the fixed type.
 * Returns {form, fields (all), body() -> request body, setType, typeOf, fill(customer)}.
 */
function customerForm({ mode, customer = {}, idPrefix }) {
  const groups = customerFields(idPrefix, customer);
  const all = [...groups.person, ...groups.company, ...groups.contact, ...groups.address];
  let type = customer.type || 'person';

  const personSet = h('fieldset', { class: 'grid', dataset: { group: 'person' } },
    tx('legend', 'customer.personData'), groups.person.map((f) => f.wrap));
  const companySet = h('fieldset', { class: 'grid', dataset: { group: 'company' } },
    tx('legend', 'customer.companyData'), groups.company.map((f) => f.wrap));
  const contactSet = h('fieldset', { class: 'grid' },
    tx('legend', 'customer.contactData'), groups.contact.map((f) => f.wrap));
  const addressSet = h('fieldset', { class: 'grid', 'aria-describedby': `${idPrefix}-address-hint` },
    tx('legend', 'customer.address'),
    tx('p', 'customer.addressHint', null, { id: `${idPrefix}-address-hint`, class: 'field-hint field-wide' }),
    groups.address.map((f) => f.wrap));

  let typeChoice;
  if (mode === 'create') {
    typeChoice = h('fieldset', { class: 'type-choice' },
      h('legend', { class: 'required' }, tx('span', 'customer.type')),
      h('div', { class: 'choices' }, ['person', 'company'].map((tp) => h('div', { class: 'choice' },
        h('input', {
          type: 'radio', name: 'type', id: `${idPrefix}-type-${tp}`, value: tp, checked: tp === type,
          onchange: () => setType(tp),
        }),
        tx('label', `customerType.${tp}`, null, { for: `${idPrefix}-type-${tp}` })))));
  } else {
    typeChoice = h('p', { class: 'type-fixed' }, tx('span', 'customer.type'), ': ',
      tx('strong', `customerType.${type}`));
  }

  function setType(tp) {
    type = tp;
    personSet.hidden = tp !== 'person';
    companySet.hidden = tp !== 'company';
  }
  setType(type);

  function fill(c) {
    const a = c.address || {};
    for (const f of all) {
      const v = f.name.startsWith('address.') ? a[f.name.slice(8)] : c[f.name];
      if (f.input.tagName === 'SELECT' && f.name === 'language') f.input.value = v || 'de';
      else f.input.value = v ?? '';
    }
  }

  function body() {
    const get = (f) => f.input.value.trim();
    const out = { type };
    const active = [...(type === 'person' ? groups.person : groups.company), ...groups.contact];
    for (const f of active) {
      const v = get(f);
      const required = f.input.getAttribute('aria-required') === 'true';
      if (v !== '' || required) out[f.name] = v;
    }
    const address = {};
    for (const f of groups.address) {
      const v = get(f);
      if (v !== '') address[f.name.slice(8)] = f.name === 'address.country' ? v.toUpperCase() : v;
    }
    if (Object.keys(address).length) out.address = address;
    return out;
  }

  const form = h('form', { class: 'customer-form', novalidate: true },
    tx('p', 'form.requiredNote', null, { class: 'muted' }),
    typeChoice, personSet, companySet, contactSet, addressSet);
  return { form, fields: all, body, setType, typeOf: () => type, fill };
}

// ---------------------------------------------------------------------------------------------
// Create customer
// ---------------------------------------------------------------------------------------------

async function renderCreate() {
  const msg = liveRegion();
  const cf = customerForm({ mode: 'create', idPrefix: 'new' });
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'create.submit' });
  cf.form.append(h('div', { class: 'actions' },
    submit,
    h('a', { href: '#/customers', class: 'button secondary', i18n: 'common.cancel' })));
  mount(main,
    h('nav', { class: 'breadcrumb', i18nAttr: { 'aria-label': 'common.breadcrumb' } },
      h('a', { href: '#/customers', i18n: 'overview.title' })),
    tx('h1', 'create.title'),
    msg,
    h('div', { class: 'card' }, cf.form));

  // One Idempotency-Key per submission attempt; a retry of the same (unchanged) submission
  // keeps it, so a lost answer never creates the customer twice.
  let attempt = null;
  cf.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = cf.body();
    const serialised = JSON.stringify(body);
    if (!attempt || attempt.body !== serialised) attempt = { key: uuid(), body: serialised };
    clearFieldErrors(cf.fields);
    clearMessage(msg);
    submit.disabled = true;
    try {
      const { data } = await api('/customers', {
        method: 'POST', body, headers: { 'Idempotency-Key': attempt.key },
      });
      attempt = null;
      flash({ kind: 'success', key: 'create.done', args: { name: data.displayName || data.email, email: data.email } });
      go(`#/customers/${seg(data.id)}`);
    } catch (err) {
      handleFormError(err, cf.fields, msg);
    } finally {
      submit.disabled = false;
    }
  });
}

/** 422: field errors inline (+ focus), everything else: message. */
function handleFormError(err, fields, msg, overrides = {}) {
  if (err.status === 422 && err.errors.length) {
    const rest = applyFieldErrors(fields, err.errors);
    showMessage(msg, {
      kind: 'error', key: 'error.422fields', args: { count: err.errors.length },
      actions: rest.length ? [otherErrorsList(rest)] : undefined,
    });
  } else {
    showError(msg, err, overrides);
  }
}

// ---------------------------------------------------------------------------------------------
// Customer context (tabs)
// ---------------------------------------------------------------------------------------------

async function renderCustomer(id, tab) {
  const seq = routeSeq;
  const msg = liveRegion();
  const heading = h('h1', {}, tx('span', 'common.loading'));
  const tabs = h('nav', { class: 'tabs', i18nAttr: { 'aria-label': 'customer.contextNav' } },
    [['data', 'tab.data'], ['authorisations', 'tab.authorisations'], ['transactions', 'tab.transactions']]
      .map(([k, key]) => h('a', {
        href: `#/customers/${seg(id)}/${k}`, i18n: key, 'aria-current': k === tab ? 'page' : undefined,
      })));
  const body = h('div', { class: 'tab-body' });
  mount(main,
    h('nav', { class: 'breadcrumb', i18nAttr: { 'aria-label': 'common.breadcrumb' } },
      h('a', { href: '#/customers', i18n: 'overview.title' })),
    heading, tabs, msg, body);
  let customer;
  try {
    ({ data: customer } = await api(`/customers/${seg(id)}`));
  } catch (err) {
    mount(heading, tx('span', 'customer.notFoundTitle'));
    tabs.hidden = true;
    showError(msg, err, { 404: 'customer.notFound' });
    return;
  }
  const setHeading = (c) => mount(heading, c.displayName || c.email);
  setHeading(customer);
  if (seq !== routeSeq) return;
  const ctx = { id, customer, msg, body, setHeading, seq };
  if (tab === 'data') await renderCustomerData(ctx);
  else if (tab === 'authorisations') await renderAuthorisations(ctx);
  else await renderTransactions(ctx);
}

// ---- Client data ----------------------------------------------------------------------------

async function renderCustomerData(ctx) {
  const { id, msg, body } = ctx;
  let customer = ctx.customer;
  const cf = customerForm({ mode: 'edit', customer, idPrefix: 'edit' });
  const meta = h('p', { class: 'muted meta' });
  const showMeta = () => mount(meta, tx('span', 'customer.meta', {
    created: { $date: customer.createdAt, time: true },
    updated: { $date: customer.updatedAt, time: true },
    version: customer.version,
  }));
  showMeta();
  const save = h('button', { type: 'submit', class: 'primary', i18n: 'common.save' });
  cf.form.append(h('div', { class: 'actions' }, save));
  const deleteButton = h('button', { type: 'button', class: 'danger', i18n: 'customer.delete', id: 'delete-customer' });
  mount(body,
    tx('h2', 'tab.data', null, { class: 'sr-only' }),
    h('div', { class: 'card' }, meta, cf.form),
    h('section', { class: 'card danger-zone', 'aria-labelledby': 'danger-heading' },
      tx('h2', 'customer.dangerZone', null, { id: 'danger-heading' }),
      tx('p', 'customer.deleteIntro'),
      deleteButton));

  async function reload() {
    try {
      const { data } = await api(`/customers/${seg(id)}`);
      customer = data;
      cf.fill(customer);
      clearFieldErrors(cf.fields);
      ctx.setHeading(customer);
      showMeta();
      showMessage(msg, { kind: 'info', key: 'customer.reloaded' });
      cf.fields.find((f) => !f.wrap.closest('[hidden]'))?.input.focus();
    } catch (err) {
      showError(msg, err);
    }
  }

  cf.form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(cf.fields);
    clearMessage(msg);
    save.disabled = true;
    try {
      const { data } = await api(`/customers/${seg(id)}`, {
        method: 'PUT', body: { ...cf.body(), version: customer.version },
      });
      customer = data;
      cf.fill(customer);
      ctx.setHeading(customer);
      showMeta();
      showMessage(msg, { kind: 'success', key: 'customer.saved' });
    } catch (err) {
      if (err.status === 409) {
        const reloadButton = h('button', { type: 'button', class: 'secondary', i18n: 'customer.reload', onclick: reload });
        showMessage(msg, { kind: 'error', key: 'customer.conflict', actions: [reloadButton] });
        reloadButton.focus();
      } else {
        handleFormError(err, cf.fields, msg, { 403: 'customer.forbiddenEdit' });
      }
    } finally {
      save.disabled = false;
    }
  });

  let deleting = false;
  deleteButton.addEventListener('click', async () => {
    // Not disabled while counting (a disabled button would lose the focus the dialog returns to).
    if (deleting) return;
    deleting = true;
    deleteButton.setAttribute('aria-busy', 'true');
    let accesses = null;
    let transactions = null;
    const [a, tr] = await Promise.allSettled([
      api(`/customers/${seg(id)}/authorisations`),
      api(`/customers/${seg(id)}/transactions`),
    ]);
    if (a.status === 'fulfilled') accesses = (a.value.data.accesses || []).length;
    if (tr.status === 'fulfilled') transactions = (tr.value.data.items || []).length;
    deleteButton.removeAttribute('aria-busy');
    deleting = false;
    const name = customer.displayName || customer.email;
    const list = h('ul', { class: 'consequences' },
      tx('li', 'delete.itemCustomer', { name }),
      accesses === null ? tx('li', 'delete.itemAccessesUnknown') : tx('li', 'delete.itemAccesses', { count: accesses }),
      transactions === null
        ? tx('li', 'delete.itemTransactionsUnknown')
        : tx('li', 'delete.itemTransactions', { count: transactions }),
      tx('li', 'delete.itemAssignments'));
    const ok = await confirmDialog({
      titleKey: 'delete.title', titleArgs: { name },
      messageKey: 'delete.message',
      extra: h('div', {}, list, tx('p', 'delete.irreversible', null, { class: 'strong' })),
      confirmKey: 'delete.confirm',
      danger: true,
    });
    if (!ok) return;
    try {
      await api(`/customers/${seg(id)}`, { method: 'DELETE' });
      flash({ kind: 'success', key: 'delete.done', args: { name } });
      go('#/customers');
    } catch (err) {
      showError(msg, err, { 403: 'customer.forbiddenDelete' });
    }
  });
}

// ---- Authorisations -------------------------------------------------------------------------

function personName(x) {
  return [x.firstName, x.lastName].filter(Boolean).join(' ') || x.email || x.id;
}

/**
 * Failed deliveries in an access's `delivery` info. The API sends
 * {"email": "sent" | "pending" | "failed", "sms"?: ..., "at": time}; an object per channel
 * ({"state" | "status", "reason", "at"}) is understood as well.
 */
function failedDeliveries(delivery) {
  if (!delivery || typeof delivery !== 'object') return [];
  const isFailed = (v) => typeof v === 'string' && /fail|bounce|reject|undeliver|complaint|error/i.test(v);
  const out = [];
  for (const channel of ['email', 'sms']) {
    const v = delivery[channel];
    if (isFailed(v)) out.push({ channel, at: delivery.at || '', reason: '' });
    else if (v && typeof v === 'object' && isFailed(v.state ?? v.status)) {
      out.push({ channel, at: v.at || delivery.at || '', reason: v.reason || v.detail || '' });
    }
  }
  if (!out.length && isFailed(delivery.state ?? delivery.status)) {
    out.push({ channel: delivery.channel || '', at: delivery.at || '', reason: delivery.reason || '' });
  }
  return out;
}

async function renderAuthorisations(ctx) {
  const { id, msg, body, seq } = ctx;
  let auths;
  const selection = { accesses: new Set(), administrators: new Set(), processors: new Set() };
  const removeButton = h('button', { type: 'button', class: 'danger', id: 'remove-authorisation', hidden: true });
  const selectionStatus = h('span', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const toolbar = h('div', { class: 'selection-bar' }, removeButton, selectionStatus);
  const groupsEl = h('div', { class: 'auth-groups' });
  mount(body, tx('h2', 'tab.authorisations', null, { class: 'sr-only' }), toolbar, groupsEl);

  const count = () => selection.accesses.size + selection.administrators.size + selection.processors.size;
  function updateSelection() {
    const n = count();
    removeButton.hidden = n === 0;
    mount(removeButton, tx('span', 'auth.remove', { count: n }));
    mount(selectionStatus, n ? tx('span', 'auth.selected', { count: n }) : '');
  }

  function checkbox(set, key, labelText, ariaKey, ariaArgs) {
    const cb = h('input', {
      type: 'checkbox', class: 'select-box', checked: set.has(key),
      id: `sel-${set === selection.accesses ? 'access' : (set === selection.administrators ? 'admin' : 'proc')}-${domId(key)}`,
      i18nAttr: { 'aria-label': ariaKey }, i18nArgs: ariaArgs, dataset: { key },
    });
    cb.addEventListener('change', () => {
      if (cb.checked) set.add(key); else set.delete(key);
      updateSelection();
    });
    return cb;
  }

  function groupSection(idName, titleKey, actionKey, onAction, content, count) {
    const headingId = `group-${idName}`;
    return h('section', { class: 'card auth-group', 'aria-labelledby': headingId, id: `section-${idName}` },
      h('div', { class: 'group-head' },
        h('h3', { id: headingId, tabindex: '-1' }, tx('span', titleKey), ' ', h('span', { class: 'count-badge' }, String(count))),
        h('button', { type: 'button', class: 'secondary', i18n: actionKey, onclick: onAction, id: `action-${idName}` })),
      content);
  }

  function render() {
    // Drop selections of items that are gone.
    const accessIds = new Set(auths.accesses.map((a) => a.id));
    const adminIds = new Set(auths.administrators.map((a) => a.id));
    const pairs = new Set();
    for (const p of auths.additionalProcessors) {
      if (!p.transactions || !p.transactions.length) pairs.add(JSON.stringify([p.specialist.id, null]));
      for (const tr of p.transactions || []) pairs.add(JSON.stringify([p.specialist.id, tr.id]));
    }
    for (const k of [...selection.accesses]) if (!accessIds.has(k)) selection.accesses.delete(k);
    for (const k of [...selection.administrators]) if (!adminIds.has(k)) selection.administrators.delete(k);
    for (const k of [...selection.processors]) if (!pairs.has(k)) selection.processors.delete(k);

    const accessList = auths.accesses.length ? h('ul', { class: 'item-list' }, auths.accesses.map((a) => {
      const name = personName(a);
      const failures = failedDeliveries(a.delivery);
      const statusEl = a.status === 'active'
        ? tx('span', 'access.statusActive', { date: { $date: a.activatedAt } }, { class: 'badge badge-active' })
        : tx('span', 'access.statusInvited', { date: { $date: a.invitedAt } }, { class: 'badge badge-invited' });
      return h('li', { class: 'item', dataset: { accessId: a.id } },
        checkbox(selection.accesses, a.id, name, 'auth.selectAccess', { name }),
        h('div', { class: 'item-main' },
          h('p', { class: 'item-title' }, name),
          h('p', { class: 'item-sub' },
            h('span', {}, tx('span', 'customer.email', null, { class: 'sr-only' }), a.email || ''),
            a.mobile ? h('span', {}, ' · ', tx('span', 'customer.mobile', null, { class: 'sr-only' }), a.mobile) : null,
            a.language ? h('span', {}, ' · ', tx('span', `language.${a.language}`)) : null),
          h('p', { class: 'item-status' }, tx('span', 'access.status', null, { class: 'sr-only' }), statusEl),
          failures.map((f) => h('p', { class: 'delivery-problem', role: 'note' },
            tx('span', f.channel === 'sms' ? 'access.deliveryFailedSms' : (f.channel === 'email' ? 'access.deliveryFailedEmail' : 'access.deliveryFailed')),
            f.at ? h('span', {}, ' (', formatDate(f.at, getLang(), true), ')') : null,
            f.reason ? h('span', { class: 'delivery-reason' }, ` ${f.reason}`) : null))),
        a.status !== 'active'
          ? h('button', {
            type: 'button', class: 'secondary small', i18n: 'access.resend',
            onclick: (e) => resend(a, e.currentTarget),
          })
          : null);
    })) : tx('p', 'auth.noAccesses', null, { class: 'empty' });

    const adminList = auths.administrators.length ? h('ul', { class: 'item-list' }, auths.administrators.map((s) => h('li', { class: 'item' },
      checkbox(selection.administrators, s.id, s.name, 'auth.selectAdministrator', { name: s.name }),
      h('div', { class: 'item-main' },
        h('p', { class: 'item-title' }, s.name || s.id),
        h('p', { class: 'item-sub' }, s.email || ''))))) : tx('p', 'auth.noAdministrators', null, { class: 'empty' });

    const processorList = auths.additionalProcessors.length ? h('ul', { class: 'item-list' }, auths.additionalProcessors.map((p) => {
      const s = p.specialist;
      const trs = p.transactions || [];
      return h('li', { class: 'item item-block' },
        h('div', { class: 'item-main' },
          trs.length ? null : checkbox(selection.processors, JSON.stringify([s.id, null]), s.name, 'auth.selectProcessor', { name: s.name }),
          h('p', { class: 'item-title' }, s.name || s.id),
          h('p', { class: 'item-sub' }, s.email || ''),
          trs.length ? h('ul', { class: 'sub-list', 'aria-label': `${t('auth.transactionsOf')} ${s.name}` }, trs.map((tr) => h('li', { class: 'sub-item' },
            checkbox(selection.processors, JSON.stringify([s.id, tr.id]), tr.title, 'auth.selectProcessorTransaction', { name: s.name, title: tr.title }),
            h('span', {}, tr.title)))) : tx('p', 'auth.noTransactionsAssigned', null, { class: 'muted' })));
    })) : tx('p', 'auth.noProcessors', null, { class: 'empty' });

    // Re-rendering replaces the elements: keep the focus on the same control where it still exists.
    const activeId = document.activeElement && groupsEl.contains(document.activeElement) ? document.activeElement.id : null;
    mount(groupsEl,
      groupSection('accesses', 'auth.accesses', 'auth.createAccess', createAccess, accessList, auths.accesses.length),
      groupSection('administrators', 'auth.administrators', 'auth.determineAdministrator', determineAdministrators, adminList, auths.administrators.length),
      groupSection('processors', 'auth.processors', 'auth.determineProcessors', determineProcessors, processorList, auths.additionalProcessors.length));
    updateSelection();
    if (activeId) document.getElementById(activeId)?.focus();
  }

  async function load() {
    try {
      const { data } = await api(`/customers/${seg(id)}/authorisations`);
      auths = normaliseAuths(data);
      render();
    } catch (err) {
      showError(msg, err);
    }
  }

  function setAuths(data) {
    auths = normaliseAuths(data);
    render();
  }

  async function resend(access, button) {
    button.disabled = true;
    try {
      await api(`/customers/${seg(id)}/accesses/${seg(access.id)}/invitation`, { method: 'POST' });
      showMessage(msg, { kind: 'success', key: 'access.resent', args: { email: access.email } });
      await load();
    } catch (err) {
      showError(msg, err, { 409: 'access.resendActive', 429: 'access.resendTooOften', 403: 'auth.forbidden' });
    } finally {
      if (button.isConnected) button.disabled = false;
    }
  }

  async function createAccess() {
    const fid = 'access-new';
    const fields = [
      field(fid, { name: 'firstName', labelKey: 'customer.firstName', required: true, autocomplete: 'off' }),
      field(fid, { name: 'lastName', labelKey: 'customer.lastName', required: true, autocomplete: 'off' }),
      field(fid, { name: 'email', labelKey: 'customer.email', type: 'email', required: true, autocomplete: 'off', hintKey: 'access.emailHint' }),
      field(fid, { name: 'mobile', labelKey: 'customer.mobile', type: 'tel', autocomplete: 'off', hintKey: 'access.mobileHint' }),
      field(fid, {
        name: 'language', labelKey: 'customer.language', type: 'select', value: ctx.customer.language || 'de',
        options: [{ value: 'de', labelKey: 'language.de' }, { value: 'en', labelKey: 'language.en' }],
      }),
    ];
    const created = await openDialog({
      titleKey: 'auth.createAccess',
      build(dlgBody, close) {
        const dmsg = liveRegion();
        const submit = h('button', { type: 'submit', class: 'primary', i18n: 'access.createSubmit' });
        const form = h('form', { novalidate: true, class: 'stack' },
          tx('p', 'form.requiredNote', null, { class: 'muted' }),
          fields.map((f) => f.wrap), dmsg,
          h('div', { class: 'actions' }, submit,
            h('button', { type: 'button', class: 'secondary', i18n: 'common.cancel', onclick: () => close(undefined) })));
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          clearFieldErrors(fields);
          clearMessage(dmsg);
          const b = {};
          for (const f of fields) {
            const v = f.input.value.trim();
            if (v !== '' || f.input.getAttribute('aria-required') === 'true') b[f.name] = v;
          }
          submit.disabled = true;
          try {
            const { data } = await api(`/customers/${seg(id)}/accesses`, { method: 'POST', body: b });
            close(data);
          } catch (err) {
            if (err.status === 409) {
              applyFieldErrors(fields, [{ field: 'email', key: 'access.emailTaken' }]);
              showMessage(dmsg, { kind: 'error', key: 'access.emailTaken' });
            } else {
              handleFormError(err, fields, dmsg, { 403: 'auth.forbidden' });
            }
          } finally {
            submit.disabled = false;
          }
        });
        dlgBody.append(form);
      },
    });
    if (created) {
      showMessage(msg, { kind: 'success', key: 'access.created', args: { name: personName(created), email: created.email } });
      await load();
    }
  }

  async function loadSpecialists(dmsg) {
    try {
      const { data } = await api('/specialists');
      return data.items || [];
    } catch (err) {
      showError(dmsg, err);
      return null;
    }
  }

  function specialistChoices(prefix, specialists, { checkedIds = new Set(), disabledIds = new Set(), noteKey } = {}) {
    return specialists.map((s) => {
      const inputId = `${prefix}-${s.id}`;
      return h('div', { class: 'choice' },
        h('input', {
          type: 'checkbox', id: inputId, name: 'specialistIds', value: s.id,
          checked: checkedIds.has(s.id), disabled: disabledIds.has(s.id),
        }),
        h('label', { for: inputId }, s.name, ' ', h('span', { class: 'muted' }, `(${s.email})`),
          disabledIds.has(s.id) && noteKey ? h('span', { class: 'muted' }, ' – ', tx('span', noteKey)) : null));
    });
  }

  async function determineAdministrators() {
    const result = await openDialog({
      titleKey: 'auth.determineAdministrator',
      build(dlgBody, close) {
        const dmsg = liveRegion();
        const listBox = h('div', {}, tx('p', 'common.loading', null, { class: 'muted' }));
        const submit = h('button', { type: 'submit', class: 'primary', i18n: 'admin.submit', disabled: true });
        const form = h('form', { novalidate: true, class: 'stack' },
          h('fieldset', {}, tx('legend', 'admin.choose'), tx('p', 'admin.intro', null, { class: 'muted' }), listBox),
          dmsg,
          h('div', { class: 'actions' }, submit,
            h('button', { type: 'button', class: 'secondary', i18n: 'common.cancel', onclick: () => close(undefined) })));
        dlgBody.append(form);
        loadSpecialists(dmsg).then((specialists) => {
          if (!specialists) { mount(listBox); return; }
          const current = new Set(auths.administrators.map((a) => a.id));
          mount(listBox, specialistChoices('admin-pick', specialists, { checkedIds: current, disabledIds: current, noteKey: 'admin.already' }));
          submit.disabled = false;
          listBox.querySelector('input:not([disabled])')?.focus();
        });
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          const ids = [...form.querySelectorAll('input[name="specialistIds"]:checked:not([disabled])')].map((i) => i.value);
          if (!ids.length) {
            showMessage(dmsg, { kind: 'error', key: 'admin.chooseOne' });
            return;
          }
          submit.disabled = true;
          try {
            const { data } = await api(`/customers/${seg(id)}/administrators`, { method: 'POST', body: { specialistIds: ids } });
            close({ data, count: ids.length });
          } catch (err) {
            handleFormError(err, [], dmsg, { 403: 'auth.forbidden' });
          } finally {
            submit.disabled = false;
          }
        });
      },
    });
    if (result) {
      setAuths(result.data);
      showMessage(msg, { kind: 'success', key: 'admin.done', args: { count: result.count } });
    }
  }

  async function determineProcessors() {
    const result = await openDialog({
      titleKey: 'auth.determineProcessors',
      build(dlgBody, close) {
        const dmsg = liveRegion();
        const specBox = h('div', {}, tx('p', 'common.loading', null, { class: 'muted' }));
        const trBox = h('div', {}, tx('p', 'common.loading', null, { class: 'muted' }));
        const submit = h('button', { type: 'submit', class: 'primary', i18n: 'processors.submit', disabled: true });
        const form = h('form', { novalidate: true, class: 'stack' },
          tx('p', 'processors.intro', null, { class: 'muted' }),
          h('fieldset', {}, tx('legend', 'processors.chooseSpecialists'), specBox),
          h('fieldset', {}, tx('legend', 'processors.chooseTransactions'), trBox),
          dmsg,
          h('div', { class: 'actions' }, submit,
            h('button', { type: 'button', class: 'secondary', i18n: 'common.cancel', onclick: () => close(undefined) })));
        dlgBody.append(form);
        Promise.all([
          loadSpecialists(dmsg),
          api(`/customers/${seg(id)}/transactions`).then((r) => r.data.items || []).catch((err) => { showError(dmsg, err); return null; }),
        ]).then(([specialists, transactions]) => {
          mount(specBox, specialists ? specialistChoices('proc-pick', specialists) : '');
          if (transactions && !transactions.length) {
            mount(trBox, tx('p', 'processors.noTransactions', null, { class: 'empty' }),
              h('a', { href: `#/customers/${seg(id)}/transactions`, i18n: 'processors.toTransactions', onclick: () => close(undefined) }));
          } else if (transactions) {
            mount(trBox, transactions.map((tr) => {
              const inputId = `proc-tr-${tr.id}`;
              return h('div', { class: 'choice' },
                h('input', { type: 'checkbox', id: inputId, name: 'transactionIds', value: tr.id }),
                h('label', { for: inputId }, tr.title));
            }));
          } else {
            mount(trBox);
          }
          submit.disabled = !(specialists && transactions && transactions.length);
          specBox.querySelector('input')?.focus();
        });
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          const specialistIds = [...form.querySelectorAll('input[name="specialistIds"]:checked')].map((i) => i.value);
          const transactionIds = [...form.querySelectorAll('input[name="transactionIds"]:checked')].map((i) => i.value);
          if (!specialistIds.length || !transactionIds.length) {
            showMessage(dmsg, { kind: 'error', key: 'processors.chooseBoth' });
            return;
          }
          submit.disabled = true;
          try {
            const { data } = await api(`/customers/${seg(id)}/additional-processors`, {
              method: 'POST', body: { specialistIds, transactionIds },
            });
            close({ data });
          } catch (err) {
            handleFormError(err, [], dmsg, { 403: 'auth.forbidden' });
          } finally {
            submit.disabled = false;
          }
        });
      },
    });
    if (result) {
      setAuths(result.data);
      showMessage(msg, { kind: 'success', key: 'processors.done' });
    }
  }

  removeButton.addEventListener('click', async () => {
    const accessIds = [...selection.accesses];
    const administratorIds = [...selection.administrators];
    const additionalProcessors = [...selection.processors].map((k) => {
      const [specialistId, transactionId] = JSON.parse(k);
      return transactionId ? { specialistId, transactionId } : { specialistId };
    });
    const items = [];
    for (const a of auths.accesses) if (selection.accesses.has(a.id)) items.push(tx('li', 'remove.itemAccess', { name: personName(a), email: a.email }));
    for (const s of auths.administrators) if (selection.administrators.has(s.id)) items.push(tx('li', 'remove.itemAdministrator', { name: s.name }));
    for (const p of auths.additionalProcessors) {
      if (selection.processors.has(JSON.stringify([p.specialist.id, null]))) items.push(tx('li', 'remove.itemProcessorAll', { name: p.specialist.name }));
      for (const tr of p.transactions || []) {
        if (selection.processors.has(JSON.stringify([p.specialist.id, tr.id]))) items.push(tx('li', 'remove.itemProcessor', { name: p.specialist.name, title: tr.title }));
      }
    }
    const ok = await confirmDialog({
      titleKey: 'remove.title', titleArgs: { count: count() },
      messageKey: 'remove.message', messageArgs: { count: count() },
      extra: h('ul', { class: 'consequences' }, items),
      confirmKey: 'remove.confirm', danger: true,
    });
    if (!ok) return;
    const payload = {};
    if (accessIds.length) payload.accessIds = accessIds;
    if (administratorIds.length) payload.administratorIds = administratorIds;
    if (additionalProcessors.length) payload.additionalProcessors = additionalProcessors;
    const n = count();
    try {
      const { data } = await api(`/customers/${seg(id)}/authorisations/remove`, { method: 'POST', body: payload });
      selection.accesses.clear();
      selection.administrators.clear();
      selection.processors.clear();
      setAuths(data);
      showMessage(msg, { kind: 'success', key: 'remove.done', args: { count: n } });
      document.getElementById('group-accesses')?.focus?.();
    } catch (err) {
      showError(msg, err, { 409: 'remove.lastAdministrator', 403: 'auth.forbidden' });
    }
  });

  await load();
  onLeave(seq, onLangChange(() => { if (auths) render(); }));
}

function domId(key) {
  return String(key).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.charCodeAt(0).toString(16)}`);
}

function normaliseAuths(data) {
  return {
    accesses: (data && data.accesses) || [],
    administrators: (data && data.administrators) || [],
    additionalProcessors: (data && data.additionalProcessors) || [],
  };
}

// ---- Business transactions ------------------------------------------------------------------

async function renderTransactions(ctx) {
  const { id, msg, body, seq } = ctx;
  let items = [];
  const fid = 'tr-new';
  const titleField = field(fid, { name: 'title', labelKey: 'transactions.titleField', required: true, autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'transactions.create' });
  const form = h('form', { class: 'inline-form', novalidate: true }, titleField.wrap, h('div', { class: 'actions' }, submit));
  const listBox = h('div', {});
  mount(body,
    h('section', { class: 'card', 'aria-labelledby': 'tr-new-heading' },
      tx('h2', 'transactions.new', null, { id: 'tr-new-heading' }), form),
    h('section', { class: 'card', 'aria-labelledby': 'tr-list-heading' },
      tx('h2', 'tab.transactions', null, { id: 'tr-list-heading' }), listBox));

  function render() {
    if (!items.length) {
      mount(listBox, tx('p', 'transactions.empty', null, { class: 'empty' }));
      return;
    }
    mount(listBox, h('div', { class: 'table-wrap' }, h('table', { class: 'list-table' },
      tx('caption', 'tab.transactions', null, { class: 'sr-only' }),
      h('thead', {}, h('tr', {},
        tx('th', 'transactions.titleField', null, { scope: 'col' }),
        tx('th', 'transactions.status', null, { scope: 'col' }),
        tx('th', 'customer.createdAt', null, { scope: 'col' }),
        h('th', { scope: 'col' }, tx('span', 'common.actions', null, { class: 'sr-only' })))),
      h('tbody', {}, items.map((tr) => h('tr', { dataset: { transactionId: tr.id } },
        h('td', { dataset: { label: t('transactions.titleField') } }, tr.title),
        h('td', { dataset: { label: t('transactions.status') } }, tx('span', `transactionStatus.${tr.status}`)),
        h('td', { dataset: { label: t('customer.createdAt') } }, formatDate(tr.createdAt, getLang(), true)),
        h('td', {}, h('button', {
          type: 'button', class: 'danger small', i18n: 'common.delete',
          i18nAttr: { 'aria-label': 'transactions.deleteLabel' }, i18nArgs: { title: tr.title },
          onclick: () => remove(tr),
        }))))))));
  }

  async function load() {
    try {
      const { data } = await api(`/customers/${seg(id)}/transactions`);
      items = data.items || [];
      render();
    } catch (err) {
      showError(msg, err);
    }
  }

  async function remove(tr) {
    const ok = await confirmDialog({
      titleKey: 'transactions.deleteTitle', titleArgs: { title: tr.title },
      messageKey: 'transactions.deleteMessage', messageArgs: { title: tr.title },
      confirmKey: 'common.delete', danger: true,
    });
    if (!ok) return;
    try {
      await api(`/customers/${seg(id)}/transactions/${seg(tr.id)}`, { method: 'DELETE' });
      showMessage(msg, { kind: 'success', key: 'transactions.deleted', args: { title: tr.title } });
      await load();
      titleField.input.focus();
    } catch (err) {
      showError(msg, err, { 403: 'transactions.forbidden' });
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors([titleField]);
    clearMessage(msg);
    submit.disabled = true;
    try {
      const { data } = await api(`/customers/${seg(id)}/transactions`, { method: 'POST', body: { title: titleField.input.value.trim() } });
      titleField.input.value = '';
      showMessage(msg, { kind: 'success', key: 'transactions.created', args: { title: data.title } });
      await load();
      titleField.input.focus();
    } catch (err) {
      handleFormError(err, [titleField], msg, { 403: 'transactions.forbidden' });
    } finally {
      submit.disabled = false;
    }
  });

  await load();
  onLeave(seq, onLangChange(() => render()));
}

start();
