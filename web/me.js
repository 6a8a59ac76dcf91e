// End-user page (local server only): sign in with e-mail and password, see GET /me and
// GET /me/transactions.
import { h, tx, mount, showMessage, clearMessage, formatDate, wireSkipLink } from '/dom.js';
import { t, initI18n, getLang, onLangChange, languageSelect } from '/i18n.js';
import { loadConfig, configureAuth, api, errorKey } from '/api.js';
import { createSession, localEndUserLogin } from '/auth.js';
import { field, clearFieldErrors } from '/forms.js';

const session = createSession('dap.enduser');
const msg = document.getElementById('msg');
const content = document.getElementById('content');
const title = document.getElementById('title');
const signOutButton = document.getElementById('sign-out');
let cleanup = null;

function setTitle(key) {
  title.dataset.i18n = key;
  title.textContent = t(key);
}

function renderSignIn() {
  signOutButton.hidden = true;
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
    submit.disabled = true;
    try {
      await localEndUserLogin(session, email.input.value.trim(), password.input.value);
      await renderMe();
      title.focus();
    } catch (err) {
      showMessage(msg, { kind: 'error', key: errorKey(err, { 401: 'me.wrongCredentials' }) });
      email.input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  mount(content, form);
}

async function renderMe() {
  signOutButton.hidden = false;
  setTitle('me.title');
  mount(content, tx('p', 'common.loading', null, { class: 'muted' }));
  let me;
  let transactions;
  try {
    const [a, b] = await Promise.all([api('/me'), api('/me/transactions')]);
    me = a.data;
    transactions = b.data.items || [];
  } catch (err) {
    if (err.status === 401) return;
    mount(content);
    showMessage(msg, { kind: 'error', key: errorKey(err, { 403: 'me.forbidden' }) });
    return;
  }
  const access = me.access || {};
  const customer = me.customer || {};
  const render = () => mount(content,
    h('section', { class: 'card', 'aria-labelledby': 'me-access' },
      h('dl', { class: 'facts' },
        tx('dt', 'me.customer'), h('dd', { id: 'me-customer' }, customer.displayName || ''),
        tx('dt', 'me.access', null, { id: 'me-access' }),
        h('dd', {}, [access.firstName, access.lastName].filter(Boolean).join(' '), ' ', h('span', { class: 'muted' }, `(${access.email || ''})`)))),
    h('section', { class: 'card', 'aria-labelledby': 'me-tr' },
      tx('h2', 'me.transactions', null, { id: 'me-tr' }),
      transactions.length
        ? h('ul', { class: 'item-list', id: 'me-transactions' }, transactions.map((tr) => h('li', { class: 'item' },
          h('div', { class: 'item-main' },
            h('p', { class: 'item-title' }, tr.title),
            h('p', { class: 'item-sub' }, tx('span', `transactionStatus.${tr.status}`), ' · ', formatDate(tr.createdAt, getLang()))))))
        : tx('p', 'me.noTransactions', null, { class: 'empty' })));
  render();
  if (cleanup) cleanup();
  cleanup = onLangChange(render);
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
    if (cleanup) { cleanup(); cleanup = null; }
    showMessage(msg, { kind: 'success', key: 'auth.signedOut' });
    renderSignIn();
    title.focus();
  });
  if (session.getToken()) await renderMe();
  else renderSignIn();
}

start();
