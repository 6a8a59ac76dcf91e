// The accesses section of the authorisations tab: each access with its status and failed
// deliveries, resending an invitation, and the dialog that creates an access.
import { h, tx, openDialog, showMessage, clearMessage, liveRegion, formatDate } from '/dom.js';
import { getLang } from '/i18n.js';
import { api, seg } from '/api.js';
import { field, applyFieldErrors, clearFieldErrors } from '/forms.js';
import { showError, handleFormError } from '/console/errors.js';

export function personName(x) {
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
    if (isFailed(v)) out.push({ channel, at: delivery.at || '', reason: '', state: v });
    else if (v && typeof v === 'object' && isFailed(v.state ?? v.status)) {
      out.push({ channel, at: v.at || delivery.at || '', reason: v.reason || v.detail || '' });
    }
  }
  if (!out.length && isFailed(delivery.state ?? delivery.status)) {
    out.push({ channel: delivery.channel || '', at: delivery.at || '', reason: delivery.reason || '' });
  }
  return out;
}

/** The message for a failed delivery: what the mail service reported, or the channel. */
function problemKey(f) {
  if (f.state === 'bounced') return 'access.deliveryBounced';
  if (f.state === 'complained') return 'access.deliveryComplained';
  if (f.channel === 'sms') return 'access.deliveryFailedSms';
  return f.channel === 'email' ? 'access.deliveryFailedEmail' : 'access.deliveryFailed';
}

/** A bounced or complained address gets no new invitation until its e-mail is changed. */
export function undeliverable(a) {
  return !!a.delivery && ['bounced', 'complained'].includes(a.delivery.email);
}

function deliveryProblem(f) {
  return h('p', { class: 'delivery-problem', role: 'note' },
    tx('span', problemKey(f)),
    f.at ? h('span', {}, ' (', formatDate(f.at, getLang(), true), ')') : null,
    f.reason ? h('span', { class: 'delivery-reason' }, ` ${f.reason}`) : null);
}

/** The status badge: active since, invited on, or the invitation expired (resend beside it). */
function accessStatus(a) {
  if (a.status === 'active') return tx('span', 'access.statusActive', { date: { $date: a.activatedAt } }, { class: 'badge badge-active' });
  if (a.status === 'expired') {
    return tx('span', 'access.statusExpired', { date: { $date: a.invitationExpiresAt } }, { class: 'badge badge-expired' });
  }
  return tx('span', 'access.statusInvited', { date: { $date: a.invitedAt } }, { class: 'badge badge-invited' });
}

function accessItem(tab, a) {
  const name = personName(a);
  const statusEl = accessStatus(a);
  return h('li', { class: 'item', dataset: { accessId: a.id } },
    tab.selection.box('accesses', a.id, 'auth.selectAccess', { name }),
    h('div', { class: 'item-main' },
      h('p', { class: 'item-title' }, name),
      h('p', { class: 'item-sub' },
        h('span', {}, tx('span', 'customer.email', null, { class: 'sr-only' }), a.email || ''),
        a.mobile ? h('span', {}, ' · ', tx('span', 'customer.mobile', null, { class: 'sr-only' }), a.mobile) : null,
        a.language ? h('span', {}, ' · ', tx('span', `language.${a.language}`)) : null),
      h('p', { class: 'item-status' }, tx('span', 'access.status', null, { class: 'sr-only' }), statusEl),
      failedDeliveries(a.delivery).map(deliveryProblem)),
    a.status !== 'active' && !undeliverable(a)
      ? h('button', {
        type: 'button', class: 'secondary small', i18n: 'access.resend',
        onclick: (e) => resend(tab, a, e.currentTarget),
      })
      : null);
}

export function accessList(tab) {
  const { accesses } = tab.auths;
  return accesses.length
    ? h('ul', { class: 'item-list' }, accesses.map((a) => accessItem(tab, a)))
    : tx('p', 'auth.noAccesses', null, { class: 'empty' });
}

async function resend(tab, access, button) {
  const { id, msg } = tab;
  button.disabled = true;
  try {
    await api(`/customers/${seg(id)}/accesses/${seg(access.id)}/invitation`, { method: 'POST' });
    showMessage(msg, { kind: 'success', key: 'access.resent', args: { email: access.email } });
    await tab.load();
  } catch (err) {
    showError(msg, err, { 'access-active': 'access.resendActive', 429: 'access.resendTooOften', 403: 'auth.forbidden' });
  } finally {
    if (button.isConnected) button.disabled = false;
  }
}

function accessFields(language) {
  const fid = 'access-new';
  return [
    field(fid, { name: 'firstName', labelKey: 'customer.firstName', required: true, autocomplete: 'off' }),
    field(fid, { name: 'lastName', labelKey: 'customer.lastName', required: true, autocomplete: 'off' }),
    field(fid, { name: 'email', labelKey: 'customer.email', type: 'email', required: true, autocomplete: 'off', hintKey: 'access.emailHint' }),
    field(fid, { name: 'mobile', labelKey: 'customer.mobile', type: 'tel', autocomplete: 'off', hintKey: 'access.mobileHint' }),
    field(fid, {
      name: 'language', labelKey: 'customer.language', type: 'select', value: language || 'de',
      options: [{ value: 'de', labelKey: 'language.de' }, { value: 'en', labelKey: 'language.en' }],
    }),
  ];
}

/** Sends the dialog's form; closes the dialog with the new access, or shows what is wrong. */
async function submitAccess({ id, fields, dmsg, submit, close }) {
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
    if (err.problem && err.problem.type === '/problems/email-taken') {
      applyFieldErrors(fields, [{ field: 'email', key: 'access.emailTaken' }]);
      showMessage(dmsg, { kind: 'error', key: 'access.emailTaken' });
    } else {
      handleFormError(err, fields, dmsg, { 403: 'auth.forbidden' });
    }
  } finally {
    submit.disabled = false;
  }
}

export async function createAccess(tab) {
  const fields = accessFields(tab.customer.language);
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
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        submitAccess({ id: tab.id, fields, dmsg, submit, close });
      });
      dlgBody.append(form);
    },
  });
  if (created) {
    showMessage(tab.msg, { kind: 'success', key: 'access.created', args: { name: personName(created), email: created.email } });
    await tab.load();
  }
}
