// Customer data tab: edit and save the customer (with the version it was read at), reload it
// after a conflict, and delete it permanently.
import { h, tx, mount, confirmDialog, showMessage, clearMessage } from '/dom.js';
import { api, seg } from '/api.js';
import { clearFieldErrors } from '/forms.js';
import { flash, go } from '/console/navigation.js';
import { showError, handleFormError } from '/console/errors.js';
import { customerForm } from '/console/customer-form.js';

export async function renderCustomerData(ctx) {
  const view = {
    ctx,
    customer: ctx.customer,
    cf: customerForm({ mode: 'edit', customer: ctx.customer, idPrefix: 'edit' }),
    meta: h('p', { class: 'muted meta' }),
  };
  showMeta(view);
  const save = h('button', { type: 'submit', class: 'primary', i18n: 'common.save' });
  view.cf.form.append(h('div', { class: 'actions' }, save));
  const deleteButton = h('button', { type: 'button', class: 'danger', i18n: 'customer.delete', id: 'delete-customer' });
  mount(ctx.body,
    tx('h2', 'tab.data', null, { class: 'sr-only' }),
    h('div', { class: 'card' }, view.meta, view.cf.form),
    h('section', { class: 'card danger-zone', 'aria-labelledby': 'danger-heading' },
      tx('h2', 'customer.dangerZone', null, { id: 'danger-heading' }),
      tx('p', 'customer.deleteIntro'),
      deleteButton));
  view.cf.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    saveCustomer(view, save);
  });
  wireDelete(view, deleteButton);
}

function showMeta({ meta, customer }) {
  mount(meta, tx('span', 'customer.meta', {
    created: { $date: customer.createdAt, time: true },
    updated: { $date: customer.updatedAt, time: true },
    version: customer.version,
  }));
}

/** The customer as the server has it now, in the form, heading and meta line. */
function showCustomer(view, customer) {
  view.customer = customer;
  view.cf.fill(customer);
  view.ctx.setHeading(customer);
  showMeta(view);
}

async function reload(view) {
  const { ctx, cf } = view;
  try {
    const { data } = await api(`/customers/${seg(ctx.id)}`);
    showCustomer(view, data);
    clearFieldErrors(cf.fields);
    showMessage(ctx.msg, { kind: 'info', key: 'customer.reloaded' });
    cf.fields.find((f) => !f.wrap.closest('[hidden]'))?.input.focus();
  } catch (err) {
    showError(ctx.msg, err);
  }
}

async function saveCustomer(view, save) {
  const { ctx, cf } = view;
  const { msg } = ctx;
  clearFieldErrors(cf.fields);
  clearMessage(msg);
  save.disabled = true;
  try {
    const { data } = await api(`/customers/${seg(ctx.id)}`, {
      method: 'PUT', body: { ...cf.body(), version: view.customer.version },
    });
    showCustomer(view, data);
    showMessage(msg, { kind: 'success', key: 'customer.saved' });
  } catch (err) {
    if (err.status === 409) {
      const reloadButton = h('button', { type: 'button', class: 'secondary', i18n: 'customer.reload', onclick: () => reload(view) });
      showMessage(msg, { kind: 'error', key: 'customer.conflict', actions: [reloadButton] });
      reloadButton.focus();
    } else {
      handleFormError(err, cf.fields, msg, { 403: 'customer.forbiddenEdit' });
    }
  } finally {
    save.disabled = false;
  }
}

/** How many accesses and business transactions go with the customer (null: unknown). */
async function countConsequences(id) {
  const [a, tr] = await Promise.allSettled([
    api(`/customers/${seg(id)}/authorisations`),
    api(`/customers/${seg(id)}/transactions`),
  ]);
  return {
    accesses: a.status === 'fulfilled' ? (a.value.data.accesses || []).length : null,
    transactions: tr.status === 'fulfilled' ? (tr.value.data.items || []).length : null,
  };
}

function consequencesList(name, { accesses, transactions }) {
  return h('ul', { class: 'consequences' },
    tx('li', 'delete.itemCustomer', { name }),
    accesses === null ? tx('li', 'delete.itemAccessesUnknown') : tx('li', 'delete.itemAccesses', { count: accesses }),
    transactions === null
      ? tx('li', 'delete.itemTransactionsUnknown')
      : tx('li', 'delete.itemTransactions', { count: transactions }),
    tx('li', 'delete.itemAssignments'));
}

function wireDelete(view, deleteButton) {
  const { id, msg } = view.ctx;
  let deleting = false;
  deleteButton.addEventListener('click', async () => {
    // Not disabled while counting (a disabled button would lose the focus the dialog returns to).
    if (deleting) return;
    deleting = true;
    deleteButton.setAttribute('aria-busy', 'true');
    const counts = await countConsequences(id);
    deleteButton.removeAttribute('aria-busy');
    deleting = false;
    const name = view.customer.displayName || view.customer.email;
    const ok = await confirmDialog({
      titleKey: 'delete.title', titleArgs: { name },
      messageKey: 'delete.message',
      extra: h('div', {}, consequencesList(name, counts), tx('p', 'delete.irreversible', null, { class: 'strong' })),
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
