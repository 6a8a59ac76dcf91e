// Removing the selection on the authorisations tab: the button that appears while something is
// selected (with the count), the confirmation naming every item, and the request.
import { h, tx, mount, confirmDialog, showMessage } from '/dom.js';
import { api, seg } from '/api.js';
import { showError } from '/console/errors.js';
import { personName } from '/console/authorisations/accesses.js';
import { processorKey } from '/console/authorisations/selection.js';

/** The request body for the selection: only the groups that have something selected. */
function removalPayload(selection) {
  const accessIds = [...selection.accesses];
  const administratorIds = [...selection.administrators];
  const additionalProcessors = [...selection.processors].map((k) => {
    const [specialistId, transactionId] = JSON.parse(k);
    return transactionId ? { specialistId, transactionId } : { specialistId };
  });
  const payload = {};
  if (accessIds.length) payload.accessIds = accessIds;
  if (administratorIds.length) payload.administratorIds = administratorIds;
  if (additionalProcessors.length) payload.additionalProcessors = additionalProcessors;
  return payload;
}

/** One list item per selected access, administrator and additional processor. */
function removalItems({ auths, selection }) {
  const items = [];
  for (const a of auths.accesses) if (selection.accesses.has(a.id)) items.push(tx('li', 'remove.itemAccess', { name: personName(a), email: a.email }));
  for (const s of auths.administrators) if (selection.administrators.has(s.id)) items.push(tx('li', 'remove.itemAdministrator', { name: s.name }));
  for (const p of auths.additionalProcessors) {
    if (selection.processors.has(processorKey(p.specialist.id))) items.push(tx('li', 'remove.itemProcessorAll', { name: p.specialist.name }));
    for (const tr of p.transactions || []) {
      if (selection.processors.has(processorKey(p.specialist.id, tr.id))) items.push(tx('li', 'remove.itemProcessor', { name: p.specialist.name, title: tr.title }));
    }
  }
  return items;
}

async function removeSelected(tab) {
  const { id, msg, selection } = tab;
  const payload = removalPayload(selection);
  const ok = await confirmDialog({
    titleKey: 'remove.title', titleArgs: { count: selection.count() },
    messageKey: 'remove.message', messageArgs: { count: selection.count() },
    extra: h('ul', { class: 'consequences' }, removalItems(tab)),
    confirmKey: 'remove.confirm', danger: true,
  });
  if (!ok) return;
  const n = selection.count();
  try {
    const { data } = await api(`/customers/${seg(id)}/authorisations/remove`, { method: 'POST', body: payload });
    selection.clear();
    tab.setAuths(data);
    showMessage(msg, { kind: 'success', key: 'remove.done', args: { count: n } });
    document.getElementById('group-accesses')?.focus?.();
  } catch (err) {
    showError(msg, err, { 'last-administrator': 'remove.lastAdministrator', 403: 'auth.forbidden' });
  }
}

/** The selection bar: {element, update()}; update() after the selection changed. */
export function removalBar(tab) {
  const removeButton = h('button', { type: 'button', class: 'danger', id: 'remove-authorisation', hidden: true });
  const selectionStatus = h('span', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  removeButton.addEventListener('click', () => removeSelected(tab));
  return {
    element: h('div', { class: 'selection-bar' }, removeButton, selectionStatus),
    update() {
      const n = tab.selection.count();
      removeButton.hidden = n === 0;
      mount(removeButton, tx('span', 'auth.remove', { count: n }));
      mount(selectionStatus, n ? tx('span', 'auth.selected', { count: n }) : '');
    },
  };
}
