// End-user registration: /register#token=...
// Inspect the link (never uses it up), ask for the SMS code where needed and a password, complete.
// An address that already has a sign-in (an access at another customer) accepts the new access
// with that sign-in's current password: no new password, no repetition.
import { h, tx, mount, showMessage, clearMessage, wireSkipLink } from '/dom.js';
import { t as tr, initI18n, hasStoredLang, setLang, languageSelect } from '/i18n.js';
import { loadConfig, api, errorDetail, errorKey } from '/api.js';
import { field, applyFieldErrors, clearFieldErrors, errorSummaryList, normaliseFieldPath } from '/forms.js';

// The API's rules (contract: NIST SP 800-63B rev. 4): 15 to 256 characters, not one character
// repeated, not on the list of common passwords, not containing the e-mail's local part. The
// page checks what it can know; the list and the address (shown masked here) only the API.
const MIN_PASSWORD = 15;
const MAX_PASSWORD = 256;
const msg = document.getElementById('msg');
const content = document.getElementById('content');
const heading = document.querySelector('main h1');

/** Reads the token once and takes it out of the address bar and the history, so that it is
 * not left for the next user of a shared computer or a screenshot. */
function tokenFromFragment() {
  const fragment = window.location.hash.replace(/^#/, '');
  const params = new URLSearchParams(fragment);
  const token = params.get('token') || '';
  if (token && window.history && window.history.replaceState) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return token;
}

/** Final states: the page shows only the message (and where useful a link to sign in). */
function showFinal(kind, key, { signInLink = false, args } = {}) {
  mount(content);
  showMessage(msg, { kind, key, args });
  if (signInLink) offerSignIn();
  heading.focus();
}

async function offerSignIn() {
  let cfg = null;
  try { cfg = await loadConfig(); } catch { cfg = null; }
  // The end-user sign-in page exists only with the local server.
  if (cfg && cfg.auth && cfg.auth.mode === 'local') {
    content.append(h('p', {}, h('a', { href: '/me.html', class: 'button primary', i18n: 'register.toSignIn', id: 'to-sign-in' })));
  }
}

/** existing: the address has a sign-in, so wrong passwords count too (the lock says so). */
function handleTerminal(err, { existing = false } = {}) {
  if (err.status === 410) { showFinal('error', 'register.gone', { signInLink: true }); return true; }
  if (err.status === 404) { showFinal('error', 'register.unknown'); return true; }
  // Only the locked problem means "ask your adviser"; any other 429 (a rate limit here or at
  // the gateway) passes after a while.
  const locked = err.problem && err.problem.type === '/problems/registration-locked';
  if (err.status === 429 && locked) { showFinal('error', lockedKey(existing)); return true; }
  if (err.status === 429) { showMessage(msg, { kind: 'error', key: 'register.wait' }); return true; }
  return false;
}

function lockedKey(existing) {
  return existing ? 'register.lockedExisting' : 'register.locked';
}

/** Characters as the API counts them (code points, not UTF-16 units). */
function passwordLength(value) {
  return [...value].length;
}

function oneCharacterRepeated(value) {
  const chars = [...value.toLowerCase()];
  return chars.length > 1 && chars.every((c) => c === chars[0]);
}

/** What the live hint says about the password typed so far: {key, args}, or null when empty. */
function passwordStatus(value) {
  const length = passwordLength(value);
  if (length === 0) return null;
  if (length < MIN_PASSWORD) return { key: 'register.passwordLiveShort', args: { count: MIN_PASSWORD - length } };
  if (length > MAX_PASSWORD) return { key: 'register.passwordLiveLong', args: { max: MAX_PASSWORD } };
  if (oneCharacterRepeated(value)) return { key: 'register.passwordLiveRepeated', args: {} };
  return { key: 'register.passwordLiveOk', args: {} };
}

/** A line under the password's hint that follows what is typed, read out politely. */
function livePasswordHint(input) {
  const live = h('p', { class: 'field-hint', id: 'reg-password-live', 'aria-live': 'polite' });
  const update = () => {
    const status = passwordStatus(input.value);
    if (!status) { delete live.dataset.i18n; live.textContent = ''; return; }
    live.dataset.i18n = status.key;
    live.dataset.i18nArgs = JSON.stringify(status.args);
    live.textContent = tr(status.key, status.args);
  };
  input.addEventListener('input', update);
  return live;
}

/** The existing sign-in's password: no rules to show, nothing to repeat. */
function existingPasswordField(fid, info) {
  return field(fid, {
    name: 'password', labelKey: 'register.existingPassword', type: 'password', required: true,
    hintKey: 'register.existingPasswordHint', hintArgs: { email: info.email || '' }, autocomplete: 'current-password',
  });
}

/** The form's fields: the SMS code where one was sent, the password and (for a new password)
 * its repetition. */
function registrationFields(fid, info) {
  let codeField = null;
  if (info.smsCodeRequired) {
    codeField = field(fid, {
      name: 'smsCode', labelKey: 'register.smsCode', required: true, hintKey: 'register.smsCodeHint',
      autocomplete: 'one-time-code', autocapitalize: 'characters', spellcheck: 'false', maxlength: '20',
    });
  }
  const existing = info.existingAccount === true;
  if (existing) {
    const pwField = existingPasswordField(fid, info);
    return { existing, codeField, pwField, confirmField: null, fields: codeField ? [codeField, pwField] : [pwField] };
  }
  const pwField = field(fid, {
    name: 'password', labelKey: 'register.password', type: 'password', required: true,
    hintKey: 'register.passwordHint', autocomplete: 'new-password',
  });
  const confirmField = field(fid, {
    name: 'passwordConfirm', labelKey: 'register.passwordConfirm', type: 'password', required: true,
    autocomplete: 'new-password',
  });
  pwField.input.setAttribute('minlength', String(MIN_PASSWORD));
  pwField.wrap.append(livePasswordHint(pwField.input));
  const fields = codeField ? [codeField, pwField, confirmField] : [pwField, confirmField];
  return { existing, codeField, pwField, confirmField, fields };
}

/** What the page can check itself before sending. */
function localErrors({ existing, codeField, pwField, confirmField }) {
  const local = [];
  const code = codeField ? codeField.input.value.trim() : '';
  if (codeField && !code) local.push({ field: 'smsCode', key: 'register.errorCodeRequired' });
  if (existing) {
    if (!pwField.input.value) local.push({ field: 'password', key: 'register.errorPasswordRequired' });
    return local;
  }
  const status = passwordStatus(pwField.input.value);
  if (!status || status.key === 'register.passwordLiveShort') local.push({ field: 'password', key: 'register.errorPasswordShort' });
  else if (status.key !== 'register.passwordLiveOk') local.push({ field: 'password', key: 'register.errorPasswordWeak' });
  else if (pwField.input.value !== confirmField.input.value) local.push({ field: 'passwordConfirm', key: 'register.errorPasswordMismatch' });
  return local;
}

/** Codes for which the page has a text that says more than the general one. */
const REGISTER_KEYS = { wrong_code: 'register.errorCodeWrong', wrong_password: 'register.errorPasswordWrong' };

/** An answer other than success: final states, field errors in our own words, or a message. */
function showCompleteError(err, { existing, codeField, pwField, fields }) {
  if (handleTerminal(err, { existing })) return;
  if (err.status !== 422) {
    showMessage(msg, { kind: 'error', key: errorKey(err), detail: errorDetail(err, errorKey(err)) });
    return;
  }
  // Each code has its own text, a wrong code or password the page's fuller one; an answer
  // without a code (an older server) gets our own words for the two things that can be wrong.
  const errors = err.errors.map((e) => {
    if (REGISTER_KEYS[e.code]) return { ...e, key: REGISTER_KEYS[e.code] };
    if (e.code) return e;
    const name = normaliseFieldPath(e.field);
    if (name === 'smsCode') return { ...e, key: 'register.errorCodeWrong' };
    if (name === 'password') return { ...e, key: existing ? 'register.errorPasswordWrong' : 'register.errorPasswordWeak' };
    return e;
  });
  showMessage(msg, {
    kind: 'error',
    key: err.errors.length ? 'error.422fields' : 'register.invalid',
    args: { count: err.errors.length },
    detail: err.errors.length ? undefined : errorDetail(err, errorKey(err)),
    actions: err.errors.length ? [errorSummaryList(fields, errors)] : undefined,
  });
  const rest = applyFieldErrors(fields, errors);
  if (!err.errors.length || rest.length === err.errors.length) (codeField || pwField).input.focus();
}

function customerName(info) {
  return (info.customer && info.customer.displayName) || '';
}

/** What the form says first: whose access it is, and what to enter. */
function formIntro(info) {
  const name = customerName(info);
  const email = { email: info.email || '' };
  return [
    name ? tx('h2', 'register.customer', { customer: name }, { id: 'reg-customer' }) : null,
    info.existingAccount === true
      ? [tx('p', 'register.introExisting', null, { id: 'reg-intro' }),
        info.smsCodeRequired ? tx('p', 'register.introExistingSms') : null]
      : tx('p', info.smsCodeRequired ? 'register.introSms' : 'register.intro', email, { id: 'reg-intro' }),
    info.expiresAt ? tx('p', 'register.validUntil', { date: { $date: info.expiresAt, time: true } }, { class: 'muted' }) : null,
    tx('p', 'form.requiredNote', null, { class: 'muted' }),
  ];
}

/** "Show password" for the password (and its repetition, where there is one). */
function showPasswordChoice(fid, { pwField, confirmField }) {
  const show = h('input', { type: 'checkbox', id: `${fid}-show` });
  show.addEventListener('change', () => {
    const type = show.checked ? 'text' : 'password';
    pwField.input.type = type;
    if (confirmField) confirmField.input.type = type;
  });
  return h('div', { class: 'choice' }, show, tx('label', 'register.showPassword', null, { for: `${fid}-show` }));
}

function showCompleted(info) {
  const existing = info.existingAccount === true;
  const titleKey = existing ? 'register.addedTitle' : 'register.successTitle';
  heading.dataset.i18n = titleKey;
  heading.textContent = tr(titleKey);
  if (existing) showFinal('success', 'register.added', { signInLink: true, args: { customer: customerName(info) } });
  else showFinal('success', 'register.success', { signInLink: true });
}

function renderForm(token, info) {
  const fid = 'reg';
  const f = registrationFields(fid, info);
  const { codeField, pwField, fields } = f;
  const submit = h('button', { type: 'submit', class: 'primary', i18n: f.existing ? 'register.submitExisting' : 'register.submit' });
  const form = h('form', { class: 'card stack', novalidate: true, 'aria-labelledby': customerName(info) ? 'reg-customer' : null },
    formIntro(info),
    // Hidden user name field helps password managers store the right sign-in name.
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: info.email || '', hidden: true, 'aria-hidden': 'true', tabindex: '-1' }),
    fields.map((x) => x.wrap),
    showPasswordChoice(fid, f),
    h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors(fields);
    clearMessage(msg);
    const local = localErrors(f);
    if (local.length) {
      showMessage(msg, { kind: 'error', key: 'error.422fields', args: { count: local.length }, actions: [errorSummaryList(fields, local)] });
      applyFieldErrors(fields, local);
      return;
    }
    const body = { token, password: pwField.input.value };
    if (codeField) body.smsCode = codeField.input.value.trim();
    submit.disabled = true;
    try {
      await api('/registrations/complete', { method: 'POST', body, auth: false });
      showCompleted(info);
    } catch (err) {
      showCompleteError(err, f);
    } finally {
      submit.disabled = false;
    }
  });
  mount(content, form);
  fields[0].input.focus();
}

async function start() {
  initI18n({ storageKey: 'dap.lang.enduser' });
  wireSkipLink();
  document.getElementById('lang-slot').replaceChildren(languageSelect('lang-select'));
  const token = tokenFromFragment();
  if (!token) {
    showFinal('error', 'register.noToken');
    return;
  }
  showMessage(msg, { kind: 'info', key: 'register.checking' });
  let info;
  try {
    ({ data: info } = await api('/registrations/inspect', { method: 'POST', body: { token }, auth: false }));
  } catch (err) {
    if (!handleTerminal(err)) {
      mount(content);
      showMessage(msg, { kind: 'error', key: errorKey(err), detail: errorDetail(err, errorKey(err)) });
    }
    return;
  }
  // The invitation's language, unless the end user has chosen one on this page.
  if (!hasStoredLang() && info.language) setLang(info.language, { persist: false });
  clearMessage(msg);
  // Optional hint from the server: too many wrong codes already.
  if (info.locked === true) {
    showFinal('error', lockedKey(info.existingAccount === true));
    return;
  }
  renderForm(token, info);
}

// A new link pasted into the same tab changes only the fragment: start over with it.
window.addEventListener('hashchange', () => window.location.reload());

start();
