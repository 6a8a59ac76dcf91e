// The administrators section of the authorisations tab: the customer's administrators and the
// dialog that determines more of them.
import { h, tx, mount, openDialog, showMessage, liveRegion } from '/dom.js';
import { api, seg } from '/api.js';
import { handleFormError } from '/console/errors.js';
import { loadSpecialists, specialistChoices } from '/console/authorisations/specialists.js';

export function administratorList(tab) {
  const { administrators } = tab.auths;
  return administrators.length ? h('ul', { class: 'item-list' }, administrators.map((s) => h('li', { class: 'item' },
    tab.selection.box('administrators', s.id, 'auth.selectAdministrator', { name: s.name }),
    h('div', { class: 'item-main' },
      h('p', { class: 'item-title' }, s.name || s.id),
      h('p', { class: 'item-sub' }, s.email || ''))))) : tx('p', 'auth.noAdministrators', null, { class: 'empty' });
}

/** Sends the chosen specialists; closes the dialog with the new authorisations. */
async function submitAdministrators({ tab, form, dmsg, submit, close }) {
  const ids = [...form.querySelectorAll('input[name="specialistIds"]:checked:not([disabled])')].map((i) => i.value);
  if (!ids.length) {
    showMessage(dmsg, { kind: 'error', key: 'admin.chooseOne' });
    return;
  }
  submit.disabled = true;
  try {
    const { data } = await api(`/customers/${seg(tab.id)}/administrators`, { method: 'POST', body: { specialistIds: ids } });
    close({ data, count: ids.length });
  } catch (err) {
    handleFormError(err, [], dmsg, { 403: 'auth.forbidden' });
  } finally {
    submit.disabled = false;
  }
}

export async function determineAdministrators(tab) {
  const result = await openDialog({
    titleKey: 'auth.determineAdministrator',
    build(dlgBody, close) {
      const dmsg = liveRegion();
      const listBox = h('div', {}, tx('p', 'common.loading', null, { class: 'muted' }));
      const submit = h('button', { type: 'submit', class: 'primary', i18n: 'admin.submit', disabled: true });
      const form = h('form', { novalidate: true, class: 'stack' },
        h('fieldset', {}, tx('legend', 'admin.choose'), tx('p', 'admin.intro', null, { class: 'muted' }), listBox),
        dmsg,
        h('div', { class: 'actions' }, submit,
          h('button', { type: 'button', class: 'secondary', i18n: 'common.cancel', onclick: () => close(undefined) })));
      dlgBody.append(form);
      loadSpecialists(dmsg).then((specialists) => {
        if (!specialists) { mount(listBox); return; }
        const current = new Set(tab.auths.administrators.map((a) => a.id));
        mount(listBox, specialistChoices('admin-pick', specialists, { checkedIds: current, disabledIds: current, noteKey: 'admin.already' }));
        submit.disabled = false;
        listBox.querySelector('input:not([disabled])')?.focus();
      });
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        submitAdministrators({ tab, form, dmsg, submit, close });
      });
    },
  });
  if (result) {
    tab.setAuths(result.data);
    showMessage(tab.msg, { kind: 'success', key: 'admin.done', args: { count: result.count } });
  }
}
