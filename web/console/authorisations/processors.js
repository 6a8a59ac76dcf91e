// The additional processors section of the authorisations tab: specialists with the business
// transactions they process, and the dialog that determines more of them.
import { h, tx, mount, openDialog, showMessage, liveRegion } from '/dom.js';
import { t } from '/i18n.js';
import { api, seg } from '/api.js';
import { showError, handleFormError } from '/console/errors.js';
import { loadSpecialists, specialistChoices } from '/console/authorisations/specialists.js';
import { processorKey } from '/console/authorisations/selection.js';

function processorItem(tab, p) {
  const { selection } = tab;
  const s = p.specialist;
  const trs = p.transactions || [];
  return h('li', { class: 'item item-block' },
    h('div', { class: 'item-main' },
      trs.length ? null : selection.box('processors', processorKey(s.id), 'auth.selectProcessor', { name: s.name }),
      h('p', { class: 'item-title' }, s.name || s.id),
      h('p', { class: 'item-sub' }, s.email || ''),
      trs.length ? h('ul', { class: 'sub-list', 'aria-label': `${t('auth.transactionsOf')} ${s.name}` }, trs.map((tr) => h('li', { class: 'sub-item' },
        selection.box('processors', processorKey(s.id, tr.id), 'auth.selectProcessorTransaction', { name: s.name, title: tr.title }),
        h('span', {}, tr.title)))) : tx('p', 'auth.noTransactionsAssigned', null, { class: 'muted' })));
}

export function processorList(tab) {
  const { additionalProcessors } = tab.auths;
  return additionalProcessors.length
    ? h('ul', { class: 'item-list' }, additionalProcessors.map((p) => processorItem(tab, p)))
    : tx('p', 'auth.noProcessors', null, { class: 'empty' });
}

/** The customer's business transactions to choose from, or a link to create the first. */
function transactionChoices(trBox, transactions, id, close) {
  if (transactions && !transactions.length) {
    mount(trBox, tx('p', 'processors.noTransactions', null, { class: 'empty' }),
      h('a', { href: `#/customers/${seg(id)}/transactions`, i18n: 'processors.toTransactions', onclick: () => close(undefined) }));
  } else if (transactions) {
    mount(trBox, transactions.map((tr) => {
      const inputId = `proc-tr-${tr.id}`;
      return h('div', { class: 'choice' },
        h('input', { type: 'checkbox', id: inputId, name: 'transactionIds', value: tr.id }),
        h('label', { for: inputId }, tr.title));
    }));
  } else {
    mount(trBox);
  }
}

/** Sends the chosen specialists and business transactions; closes the dialog with the result. */
async function submitProcessors({ tab, form, dmsg, submit, close }) {
  const specialistIds = [...form.querySelectorAll('input[name="specialistIds"]:checked')].map((i) => i.value);
  const transactionIds = [...form.querySelectorAll('input[name="transactionIds"]:checked')].map((i) => i.value);
  if (!specialistIds.length || !transactionIds.length) {
    showMessage(dmsg, { kind: 'error', key: 'processors.chooseBoth' });
    return;
  }
  submit.disabled = true;
  try {
    const { data } = await api(`/customers/${seg(tab.id)}/additional-processors`, {
      method: 'POST', body: { specialistIds, transactionIds },
    });
    close({ data });
  } catch (err) {
    handleFormError(err, [], dmsg, { 403: 'auth.forbidden' });
  } finally {
    submit.disabled = false;
  }
}

function buildProcessorsDialog(tab, dlgBody, close) {
  const { id } = tab;
  const dmsg = liveRegion();
  const specBox = h('div', {}, tx('p', 'common.loading', null, { class: 'muted' }));
  const trBox = h('div', {}, tx('p', 'common.loading', null, { class: 'muted' }));
  const submit = h('button', { type: 'submit', class: 'primary', i18n: 'processors.submit', disabled: true });
  const form = h('form', { novalidate: true, class: 'stack' },
    tx('p', 'processors.intro', null, { class: 'muted' }),
    h('fieldset', {}, tx('legend', 'processors.chooseSpecialists'), specBox),
    h('fieldset', {}, tx('legend', 'processors.chooseTransactions'), trBox),
    dmsg,
    h('div', { class: 'actions' }, submit,
      h('button', { type: 'button', class: 'secondary', i18n: 'common.cancel', onclick: () => close(undefined) })));
  dlgBody.append(form);
  Promise.all([
    loadSpecialists(dmsg),
    api(`/customers/${seg(id)}/transactions`).then((r) => r.data.items || []).catch((err) => { showError(dmsg, err); return null; }),
  ]).then(([specialists, transactions]) => {
    mount(specBox, specialists ? specialistChoices('proc-pick', specialists) : '');
    transactionChoices(trBox, transactions, id, close);
    submit.disabled = !(specialists && transactions && transactions.length);
    specBox.querySelector('input')?.focus();
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitProcessors({ tab, form, dmsg, submit, close });
  });
}

export async function determineProcessors(tab) {
  const result = await openDialog({
    titleKey: 'auth.determineProcessors',
    build: (dlgBody, close) => buildProcessorsDialog(tab, dlgBody, close),
  });
  if (result) {
    tab.setAuths(result.data);
    showMessage(tab.msg, { kind: 'success', key: 'processors.done' });
  }
}
