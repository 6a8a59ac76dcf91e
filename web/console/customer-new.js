// New customer screen: the customer form in create mode; on success, the new customer's data.
import { h, tx, mount, clearMessage, liveRegion } from '/dom.js';
import { api, seg, uuid } from '/api.js';
import { clearFieldErrors } from '/forms.js';
import { flash, go } from '/console/navigation.js';
import { handleFormError } from '/console/errors.js';
import { customerForm } from '/console/customer-form.js';

export async function renderCreate(main) {
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
