// Authorisations tab: a customer's accesses, administrators and additional processors, each in
// its own section (console/authorisations/), with one selection across them to remove at once.
import { h, tx, mount } from '/dom.js';
import { onLangChange } from '/i18n.js';
import { api, seg } from '/api.js';
import { onLeave } from '/console/navigation.js';
import { showError } from '/console/errors.js';
import { Selection } from '/console/authorisations/selection.js';
import { removalBar } from '/console/authorisations/remove.js';
import { accessList, createAccess } from '/console/authorisations/accesses.js';
import { administratorList, determineAdministrators } from '/console/authorisations/administrators.js';
import { processorList, determineProcessors } from '/console/authorisations/processors.js';
import { reviewBox } from '/console/authorisations/review.js';

function normaliseAuths(data) {
  return {
    accesses: (data && data.accesses) || [],
    administrators: (data && data.administrators) || [],
    additionalProcessors: (data && data.additionalProcessors) || [],
    accessReview: (data && data.accessReview) || null,
  };
}

function groupSection(idName, titleKey, actionKey, onAction, content, count) {
  const headingId = `group-${idName}`;
  return h('section', { class: 'card auth-group', 'aria-labelledby': headingId, id: `section-${idName}` },
    h('div', { class: 'group-head' },
      h('h3', { id: headingId, tabindex: '-1' }, tx('span', titleKey), ' ', h('span', { class: 'count-badge' }, String(count))),
      h('button', { type: 'button', class: 'secondary', i18n: actionKey, onclick: onAction, id: `action-${idName}` })),
    content);
}

function renderGroups(tab, groupsEl) {
  const { auths } = tab;
  tab.selection.prune(auths);
  const accesses = accessList(tab);
  const administrators = administratorList(tab);
  const processors = processorList(tab);
  // Re-rendering replaces the elements: keep the focus on the same control where it still exists.
  const activeId = document.activeElement && groupsEl.contains(document.activeElement) ? document.activeElement.id : null;
  mount(groupsEl,
    reviewBox(tab),
    groupSection('accesses', 'auth.accesses', 'auth.createAccess', () => createAccess(tab), accesses, auths.accesses.length),
    groupSection('administrators', 'auth.administrators', 'auth.determineAdministrator', () => determineAdministrators(tab), administrators, auths.administrators.length),
    groupSection('processors', 'auth.processors', 'auth.determineProcessors', () => determineProcessors(tab), processors, auths.additionalProcessors.length));
  tab.selectionChanged();
  if (activeId) document.getElementById(activeId)?.focus();
}

export async function renderAuthorisations(ctx) {
  const { id, msg, body, seq } = ctx;
  const groupsEl = h('div', { class: 'auth-groups' });
  // What the sections share: the customer, the message region, the authorisations as last
  // read, the selection, and how to read or replace the authorisations.
  const tab = {
    id,
    customer: ctx.customer,
    msg,
    auths: null,
    selection: new Selection(() => tab.selectionChanged()),
    render: () => renderGroups(tab, groupsEl),
    // The name of a specialist who reviewed, where the directory entries at hand know it.
    specialistName(sid) {
      const known = (tab.auths.administrators || []).find((s) => s.id === sid);
      return known ? known.name : sid;
    },
    setAuths(data) {
      tab.auths = normaliseAuths(data);
      tab.render();
    },
    async load() {
      try {
        const { data } = await api(`/customers/${seg(id)}/authorisations`);
        tab.setAuths(data);
      } catch (err) {
        showError(msg, err);
      }
    },
  };
  const bar = removalBar(tab);
  tab.selectionChanged = bar.update;
  mount(body, tx('h2', 'tab.authorisations', null, { class: 'sr-only' }), bar.element, groupsEl);
  await tab.load();
  onLeave(seq, onLangChange(() => { if (tab.auths) tab.render(); }));
}
