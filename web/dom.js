// Small DOM helpers: element creation, dialogs with focus handling, live messages.
import { t, translate } from '/i18n.js';

/**
 * h('button', {class: 'x', onclick: fn, i18n: 'key'}, child, ...)
 * Special props:
 *   i18n        text key, the element's text is set (and kept up to date on language change)
 *   i18nArgs    parameters for the text key
 *   i18nAttr    {attributeName: key} for translated attributes (placeholder, aria-label, title)
 *   dataset     {name: value}
 *   on<event>   event listener
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (name === 'i18n') el.dataset.i18n = value;
    else if (name === 'i18nArgs') el.dataset.i18nArgs = JSON.stringify(value);
    else if (name === 'i18nAttr') el.dataset.i18nAttr = JSON.stringify(value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'value' && 'value' in el) el.value = value;
    else if (name === 'checked' || name === 'selected' || name === 'disabled' || name === 'hidden') el[name] = !!value;
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  if (el.dataset.i18n || el.dataset.i18nAttr) translate(el, true);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces all children of el. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Translated text element shortcut: tx('span', 'key', {args}) */
export function tx(tag, key, args, props = {}) {
  return h(tag, { ...props, i18n: key, i18nArgs: args });
}

let idCounter = 0;
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Opens a modal dialog. build(body, close) fills the dialog body and returns nothing.
 * Focus moves into the dialog (first element with [autofocus] or the first focusable
 * element) and returns to the element that had it before, when the dialog closes.
 * Resolves with the value given to close(value) (undefined on Escape).
 */
export function openDialog({ titleKey, titleArgs, build, className }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const titleId = uid('dlg-title');
    const dialog = h('dialog', { class: ['dialog', className], 'aria-labelledby': titleId });
    const body = h('div', { class: 'dialog-body' });
    let result;
    const close = (value) => {
      result = value;
      if (dialog.open) dialog.close();
    };
    dialog.append(
      h('div', { class: 'dialog-head' },
        tx('h2', titleKey, titleArgs, { id: titleId, tabindex: '-1' }),
        h('button', {
          type: 'button', class: 'icon-button', i18nAttr: { 'aria-label': 'common.close', title: 'common.close' },
          onclick: () => close(undefined),
        }, '\u00d7')),
      body,
    );
    build(body, close);
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
      else focusMain();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    const first = dialog.querySelector('[autofocus]')
      || body.querySelector('input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])')
      || dialog.querySelector(`#${titleId}`);
    if (first) first.focus();
  });
}

/** Confirmation dialog; resolves true when confirmed. */
export function confirmDialog({ titleKey, titleArgs, messageKey, messageArgs, confirmKey, danger = false, extra }) {
  return openDialog({
    titleKey, titleArgs,
    build(body, close) {
      body.append(
        tx('p', messageKey, messageArgs),
        extra || '',
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => close(true), i18n: confirmKey }),
          h('button', { type: 'button', class: 'secondary', autofocus: true, onclick: () => close(false), i18n: 'common.cancel' })),
      );
    },
  }).then((v) => v === true);
}

export function focusMain() {
  const heading = document.querySelector('main h1');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

/**
 * Shows a message in a live region. kind: 'info' | 'success' | 'error'.
 * key/args are translated (and re-translated on language change); detail is plain text.
 */
export function showMessage(region, { kind = 'info', key, args, detail, actions } = {}) {
  if (!region) return;
  region.replaceChildren();
  if (!key) return;
  // An error is announced at once (the region itself is polite, for progress and success).
  const box = h('div', { class: ['message', `message-${kind}`], role: kind === 'error' ? 'alert' : undefined },
    tx('p', key, args),
    detail ? h('p', { class: 'message-detail' }, detail) : null,
    actions && actions.length ? h('div', { class: 'actions' }, actions) : null);
  region.appendChild(box);
}

export function clearMessage(region) {
  if (region) region.replaceChildren();
}

/** Creates a live region element (polite status for info/success; errors also use it). */
export function liveRegion(props = {}) {
  return h('div', { class: 'live', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', ...props });
}

export function formatDate(iso, lang, withTime = false) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const opts = withTime
    ? { dateStyle: 'medium', timeStyle: 'short' }
    : { dateStyle: 'medium' };
  try {
    return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'de-DE', opts).format(d);
  } catch {
    return d.toISOString();
  }
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export { t };

/**
 * The skip link must not change the URL fragment: the console routes by fragment and the
 * registration page carries its token there. It moves the focus to <main> instead.
 */
export function wireSkipLink() {
  const link = document.querySelector('.skip-link');
  const target = document.getElementById('main');
  if (!link || !target) return;
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    target.focus();
    target.scrollIntoView();
  });
}
