// Form building blocks shared by the console, the registration and the end-user pages.
import { h, tx, uid } from '/dom.js';
import { t } from '/i18n.js';

/**
 * A labelled field. spec: {name, labelKey, type, required, options: [{value, labelKey}],
 * autocomplete, hintKey, inputmode, value, maxlength}
 * Returns {wrap, input, setError(text|null), name}.
 */
export function field(formId, spec) {
  const id = `${formId}-${spec.name.replace(/\./g, '-')}`;
  const errorId = `${id}-error`;
  const hintId = spec.hintKey ? `${id}-hint` : null;
  let input;
  if (spec.type === 'select') {
    input = h('select', { id, name: spec.name },
      (spec.options || []).map((o) => h('option', { value: o.value, i18n: o.labelKey })));
    if (spec.value !== undefined) input.value = spec.value;
  } else if (spec.type === 'textarea') {
    input = h('textarea', { id, name: spec.name }, spec.value || '');
  } else {
    input = h('input', {
      id, name: spec.name, type: spec.type || 'text',
      autocomplete: spec.autocomplete, inputmode: spec.inputmode, maxlength: spec.maxlength,
      autocapitalize: spec.autocapitalize, spellcheck: spec.spellcheck,
      value: spec.value ?? '',
    });
  }
  if (spec.required) input.setAttribute('aria-required', 'true');
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  // The star comes from CSS (.required::after, with empty alternative text); aria-required
  // tells assistive technology.
  const label = h('label', { for: id, class: spec.required ? 'required' : undefined }, tx('span', spec.labelKey));
  const wrap = h('div', { class: ['field', spec.wide && 'field-wide'], dataset: { field: spec.name } },
    label,
    hintKey(spec, hintId),
    input,
    error);
  return {
    name: spec.name,
    wrap,
    input,
    /** text: plain text (e.g. the server's message), or {key, args} for a translated text. */
    setError(text) {
      delete error.dataset.i18n;
      delete error.dataset.i18nArgs;
      if (text) {
        if (typeof text === 'object') {
          error.dataset.i18n = text.key;
          if (text.args) error.dataset.i18nArgs = JSON.stringify(text.args);
          error.textContent = t(text.key, text.args);
        } else {
          error.textContent = text;
        }
        error.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        wrap.classList.add('has-error');
      } else {
        error.textContent = '';
        error.hidden = true;
        input.removeAttribute('aria-invalid');
        wrap.classList.remove('has-error');
      }
    },
  };
}

function hintKey(spec, hintId) {
  return spec.hintKey ? tx('p', spec.hintKey, spec.hintArgs, { id: hintId, class: 'field-hint' }) : null;
}

/**
 * Shows API field errors next to the fields (field path = input name). Errors for fields that
 * are not on the form are returned. Focuses the first invalid visible field in document order.
 */
export function applyFieldErrors(fields, errors, { focus = true } = {}) {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const unmatched = [];
  const texts = new Map();
  for (const e of errors || []) {
    const f = byName.get(normaliseFieldPath(e.field));
    if (f && !f.wrap.closest('[hidden]')) {
      if (!texts.has(f)) texts.set(f, []);
      texts.get(f).push(fieldErrorText(e, f));
    } else {
      unmatched.push(e);
    }
  }
  for (const [f, list] of texts) {
    // One translated text stays translatable; several are joined as plain text.
    f.setError(list.length === 1 ? list[0] : list.map((x) => (typeof x === 'object' ? t(x.key, x.args) : x)).join(' '));
  }
  if (focus && texts.size) {
    const first = fields.filter((f) => texts.has(f))
      .sort((a, b) => (a.input.compareDocumentPosition(b.input) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
    first.input.focus();
  }
  return unmatched;
}

export function clearFieldErrors(fields) {
  for (const f of fields) f.setError(null);
}

/** "/address/postalCode", "$.address.postalCode", "address[postalCode]" -> "address.postalCode" */
export function normaliseFieldPath(path) {
  return String(path || '')
    .replace(/^\$\.?/, '')
    .replace(/^\//, '')
    .replace(/\//g, '.')
    .replace(/\[(\w+)\]/g, '.$1');
}

/**
 * Text for one field error: a known error code, or a field left empty, gets the
 * translated text; otherwise the server's own message (it names the problem, e.g. a malformed
 * address) is shown.
 */
export function fieldErrorText(e, f) {
  if (e && e.key) return { key: e.key, args: e.args };
  const key = e && e.code ? codeKey(e) : null;
  if (key) return { key, args: paramArgs(e.params) };
  // An error on an empty field means it has to be filled in (mandatory, or needed because a
  // related field is filled, e.g. the rest of an address).
  if (f && f.input.value.trim() === '') return { key: 'fieldError.required' };
  if (e && e.message) return e.message;
  return { key: 'fieldError.invalid' };
}

// Names of persons and companies, for which a text can say "the name".
const NAME_FIELDS = new Set(['firstName', 'lastName', 'contactFirstName', 'contactLastName', 'companyName', 'name']);

/** The text key of an error's code (API contract v3), a name's own where it has one; null for
 * a code this client has no text for (a newer server), so that its message is shown. */
function codeKey(e) {
  const generic = `fieldError.${e.code}`;
  const named = `${generic}_name`;
  if (NAME_FIELDS.has(normaliseFieldPath(e.field)) && t(named) !== named) return named;
  return t(generic) !== generic ? generic : null;
}

/** An error's params as text arguments: lists read "DE, AT, CH". */
export function paramArgs(params) {
  const args = {};
  for (const [name, value] of Object.entries(params || {})) {
    args[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return args;
}

/**
 * The error summary: one entry per error, in the order of the form; an error of a field on
 * the form is a link that moves the focus to that field (the fragment is the console's
 * route, so the link handles the click itself).
 */
export function errorSummaryList(fields, errors) {
  if (!errors || !errors.length) return null;
  const byName = new Map(fields.map((f) => [f.name, f]));
  return h('ul', { class: 'error-list error-summary' }, errors.map((e) => {
    const f = byName.get(normaliseFieldPath(e.field));
    const text = fieldErrorText(e, f);
    const shown = typeof text === 'object' ? tx('span', text.key, text.args) : text;
    if (!f || f.wrap.closest('[hidden]')) return h('li', {}, e.field ? `${e.field}: ` : '', shown);
    const label = f.wrap.querySelector('label span');
    const link = h('a', { href: `#${f.input.id}` }, label ? tx('span', label.dataset.i18n) : e.field, ': ', shown);
    link.addEventListener('click', (ev) => {
      ev.preventDefault();
      f.input.focus();
    });
    return h('li', {}, link);
  }));
}

/** A list of errors that belong to no field on the form. */
export function otherErrorsList(errors) {
  if (!errors || !errors.length) return null;
  return h('ul', { class: 'error-list' },
    errors.map((e) => {
      const text = fieldErrorText(e);
      return h('li', {}, e.field ? `${e.field}: ` : '', typeof text === 'object' ? tx('span', text.key, text.args) : text);
    }));
}

export function formId(prefix) {
  return uid(prefix);
}
