// Sign-in screen: the identity provider's button (OIDC) or, on the local server, a choice of the
// seeded specialists.
import { h, tx, mount, clearMessage, liveRegion } from '/dom.js';
import { listLocalSpecialists, localSpecialistLogin, startOidcLogin } from '/auth.js';
import { session, shell, reroute } from '/console/navigation.js';
import { showError } from '/console/errors.js';

export async function renderSignIn(main) {
  const msg = liveRegion();
  const content = h('div', { class: 'card narrow' });
  mount(main, tx('h1', 'auth.title'), msg, content);
  if (shell.config.auth.mode === 'oidc') {
    mount(content,
      tx('p', 'auth.oidcIntro'),
      h('button', {
        type: 'button', class: 'primary', i18n: 'auth.oidcButton',
        onclick: () => startOidcLogin(shell.config.auth, window.location.hash),
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
  mount(content, localSignInForm(specialists, msg));
}

function localSignInForm(specialists, msg) {
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
      clearMessage(shell.globalMsg);
      reroute();
    } catch (err) {
      showError(msg, err, { 401: 'auth.failed' });
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
