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

/**
 * What deleting the customer removes, from the server's deletion preview: {counts} (null when
 * the preview could not be read: the dialog then names everything without numbers), or {err}
 * for an answer that says the deletion cannot happen (403: not an administrator; 404: gone).
 */
async function deletionPreview(id) {
  try {
    const { data } = await api(`/customers/${seg(id)}/deletion-preview`);
    return { counts: data };
  } catch (err) {
    if (err.status === 403 || err.status === 404 || err.status === 401) return { err };
    return { counts: null };
  }
}

function consequencesList(name, counts) {
  const list = h('ul', { class: 'consequences', id: 'delete-consequences' }, tx('li', 'delete.itemCustomer', { name }));
  if (counts === null) {
    list.append(tx('li', 'delete.itemsUnknown'));
    return list;
  }
  list.append(
    tx('li', 'delete.itemAccesses', { count: counts.accesses, active: counts.activeAccesses }),
    tx('li', 'delete.itemAdministrators', { count: counts.administrators }),
    tx('li', 'delete.itemProcessors', { count: counts.additionalProcessors }),
    tx('li', 'delete.itemTransactions', { count: counts.transactions }));
  return list;
}

function wireDelete(view, deleteButton) {
  const { id, msg } = view.ctx;
  let deleting = false;
  deleteButton.addEventListener('click', async () => {
    // Not disabled while counting (a disabled button would lose the focus the dialog returns to).
    if (deleting) return;
    deleting = true;
    deleteButton.setAttribute('aria-busy', 'true');
    clearMessage(msg);
    const preview = await deletionPreview(id);
    deleteButton.removeAttribute('aria-busy');
    deleting = false;
    if (preview.err) {
      showError(msg, preview.err, { 403: 'customer.forbiddenDelete' });
      return;
    }
    const name = view.customer.displayName || view.customer.email;
    const ok = await confirmDialog({
      titleKey: 'delete.title', titleArgs: { name },
      messageKey: 'delete.message',
      extra: h('div', {}, consequencesList(name, preview.counts), tx('p', 'delete.irreversible', null, { class: 'strong' })),
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
