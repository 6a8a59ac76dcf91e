// Web console for specialist users: start-up, the shell (navigation, user, sign-out) and routing
// by URL fragment to the screens in console/. Plain ES modules, no build step.
import { mount, tx, showMessage, clearMessage, focusMain, wireSkipLink } from '/dom.js';
import { initI18n, onLangChange, languageSelect } from '/i18n.js';
import { loadConfig, configureAuth } from '/api.js';
import { completeOidcLogin, signOut } from '/auth.js';
import {
  session, shell, flash, takeFlash, setRouter, go, enterRoute, currentRoute,
} from '/console/navigation.js';
import { renderSignIn } from '/console/sign-in.js';
import { renderOverview } from '/console/overview.js';
import { renderCreate } from '/console/customer-new.js';
import { renderCustomer, tabOf } from '/console/customer.js';
import { renderImport } from '/console/import.js';
import { renderReviews } from '/console/reviews.js';
import { renderResponsibilities } from '/console/responsibilities.js';

let firstRender = true;

async function start() {
  setRouter(route);
  initI18n({ storageKey: 'dap.lang' });
  wireSkipLink();
  shell.main = document.getElementById('main');
  shell.globalMsg = document.getElementById('global-msg');
  document.getElementById('lang-slot').replaceChildren(languageSelect('lang-select'));
  document.getElementById('sign-out').addEventListener('click', onSignOut);
  try {
    shell.config = await loadConfig();
  } catch {
    showMessage(shell.globalMsg, { kind: 'error', key: 'error.config' });
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
  if (shell.config.auth.mode === 'oidc') {
    try {
      const res = await completeOidcLogin(shell.config.auth, session);
      if (res.handled && res.returnTo) window.location.hash = res.returnTo.replace(/^#/, '');
    } catch (e) {
      flash({ kind: 'error', key: e.message === 'oidc-state' ? 'auth.oidcState' : 'auth.oidcFailed' });
    }
  }
  window.addEventListener('hashchange', route);
  onLangChange(() => updateShell());
  route();
}

/** #/customers, #/customers/new, #/customers/{id}[/data|/authorisations|/transactions|/history], #/imports, #/reviews, #/responsibilities */
function parseRoute() {
  const hash = window.location.hash.replace(/^#/, '') || '/customers';
  const parts = hash.split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'imports') return { name: 'import' };
  if (parts[0] === 'reviews') return { name: 'reviews' };
  if (parts[0] === 'responsibilities') return { name: 'responsibilities' };
  if (parts[0] !== 'customers') return { name: 'overview' };
  if (parts.length === 1) return { name: 'overview' };
  if (parts[1] === 'new') return { name: 'create' };
  const id = parts[1];
  return { name: 'customer', id, tab: tabOf(parts[2]) };
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
    const active = ['import', 'reviews', 'responsibilities'].includes(a.dataset.route) ? r.name === a.dataset.route
      : a.dataset.route === 'overview' && (r.name === 'overview' || r.name === 'create' || r.name === 'customer');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

async function route() {
  const seq = enterRoute();
  updateShell();
  clearMessage(shell.globalMsg);
  const pending = takeFlash();
  if (pending) showMessage(shell.globalMsg, pending);
  const moveFocus = !firstRender;
  firstRender = false;
  const { main } = shell;
  if (!session.getToken()) {
    await renderSignIn(main);
    return;
  }
  const r = parseRoute();
  if (r.name === 'overview') await renderOverview(main);
  else if (r.name === 'create') await renderCreate(main);
  else if (r.name === 'customer') await renderCustomer(main, r.id, r.tab);
  else if (r.name === 'import') await renderImport(main);
  else if (r.name === 'reviews') await renderReviews(main);
  else if (r.name === 'responsibilities') await renderResponsibilities(main);
  if (moveFocus && seq === currentRoute()) focusMain();
}

function onSignOut() {
  const redirected = signOut(shell.config && shell.config.auth, session);
  if (!redirected) {
    flash({ kind: 'success', key: 'auth.signedOut' });
    go('#/customers');
  }
}

start();
