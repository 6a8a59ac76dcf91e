// Business transactions tab: list a customer's business transactions, create and delete them.
import { h, tx, mount, confirmDialog, showMessage, clearMessage, formatDate } from '/dom.js';
import { t, getLang, onLangChange } from '/i18n.js';
import { api, seg } from '/api.js';
import { field, clearFieldErrors } from '/forms.js';
import { onLeave } from '/console/navigation.js';
import { showError, handleFormError } from '/console/errors.js';

function transactionTable(items, onDelete) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list-table' },
    tx('caption', 'tab.transactions', null, { class: 'sr-only' }),
    h('thead', {}, h('tr', {},
      tx('th', 'transactions.titleField', null, { scope: 'col' }),
      tx('th', 'transactions.status', null, { scope: 'col' }),
      tx('th', 'customer.createdAt', null, { scope: 'col' }),
      h('th', { scope: 'col' }, tx('span', 'common.actions', null, { class: 'sr-only' })))),
    h('tbody', {}, items.map((tr) => h('tr', { dataset: { transactionId: tr.id } },
      h('td', { dataset: { label: t('transactions.titleField') } }, tr.title),
      h('td', { dataset: { label: t('transactions.status') } }, tx('span', `transactionStatus.${tr.status}`)),
      h('td', { dataset: { label: t('customer.createdAt') } }, formatDate(tr.createdAt, getLang(), true)),
      h('td', {}, h('button', {
        type: 'button', class: 'danger small', i18n: 'common.delete',
        i18nAttr: { 'aria-label': 'transactions.deleteLabel' }, i18nArgs: { title: tr.title },
        onclick: () => onDelete(tr),
      })))))));
}

export async function renderTransactions(ctx) {
  const { id, msg, body, seq } = ctx;
  let items = [];
  const titleField = field('tr-new', { name: 'title', labelKey: 'transactions.titleField', required: true, autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'transactions.create' });
  const form = h('form', { class: 'inline-form', novalidate: true }, titleField.wrap, h('div', { class: 'actions' }, submit));
  const listBox = h('div', {});
  mount(body,
    h('section', { class: 'card', 'aria-labelledby': 'tr-new-heading' },
      tx('h2', 'transactions.new', null, { id: 'tr-new-heading' }), form),
    h('section', { class: 'card', 'aria-labelledby': 'tr-list-heading' },
      tx('h2', 'tab.transactions', null, { id: 'tr-list-heading' }), listBox));

  function render() {
    if (!items.length) mount(listBox, tx('p', 'transactions.empty', null, { class: 'empty' }));
    else mount(listBox, transactionTable(items, remove));
  }

  async function load() {
    try {
      const { data } = await api(`/customers/${seg(id)}/transactions`);
      items = data.items || [];
      render();
    } catch (err) {
      showError(msg, err);
    }
  }

  async function remove(tr) {
    const ok = await confirmDialog({
      titleKey: 'transactions.deleteTitle', titleArgs: { title: tr.title },
      messageKey: 'transactions.deleteMessage', messageArgs: { title: tr.title },
      confirmKey: 'common.delete', danger: true,
    });
    if (!ok) return;
    try {
      await api(`/customers/${seg(id)}/transactions/${seg(tr.id)}`, { method: 'DELETE' });
      // The row goes before the message, so that the page never announces a deletion while
      // still listing the deleted transaction; the reload then brings in others' changes.
      items = items.filter((x) => x.id !== tr.id);
      render();
      showMessage(msg, { kind: 'success', key: 'transactions.deleted', args: { title: tr.title } });
      await load();
      titleField.input.focus();
    } catch (err) {
      showError(msg, err, { 403: 'transactions.forbidden' });
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors([titleField]);
    clearMessage(msg);
    submit.disabled = true;
    try {
      const { data } = await api(`/customers/${seg(id)}/transactions`, { method: 'POST', body: { title: titleField.input.value.trim() } });
      titleField.input.value = '';
      items = [...items.filter((x) => x.id !== data.id), data];
      render();
      showMessage(msg, { kind: 'success', key: 'transactions.created', args: { title: data.title } });
      await load();
      titleField.input.focus();
    } catch (err) {
      handleFormError(err, [titleField], msg, { 403: 'transactions.forbidden' });
    } finally {
      submit.disabled = false;
    }
  });

  await load();
  onLeave(seq, onLangChange(() => render()));
}
