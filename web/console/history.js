// History tab: who changed what of a customer and when, newest first, page by page (the
// server's events name fields, never values); and the export of everything stored (JSON).
import { h, tx, mount, showMessage, formatDate } from '/dom.js';
import { t, getLang, onLangChange } from '/i18n.js';
import { api, seg } from '/api.js';
import { onLeave } from '/console/navigation.js';
import { showError } from '/console/errors.js';

/**
 * Names by id, best effort: specialists from the directory, accesses from the authorisations,
 * business transactions by title. Removed ones keep their id.
 */
async function loadNames(id) {
  const names = new Map();
  const [specialists, auth, transactions] = await Promise.allSettled([
    api('/specialists'), api(`/customers/${seg(id)}/authorisations`),
    api(`/customers/${seg(id)}/transactions`),
  ]);
  if (transactions.status === 'fulfilled') {
    for (const tr of transactions.value.data.items || []) names.set(tr.id, tr.title);
  }
  if (specialists.status === 'fulfilled') {
    for (const s of specialists.value.data.items || []) names.set(s.id, s.name);
  }
  if (auth.status === 'fulfilled') {
    for (const a of auth.value.data.accesses || []) names.set(a.id, `${a.lastName}, ${a.firstName}`);
  }
  return names;
}

function actorText(actor, names) {
  if (actor.kind === 'specialist') return names.get(actor.id) || actor.id;
  if (actor.kind === 'end-user') return t('history.actor.endUser');
  return t(actor.id === 'reminder' ? 'history.actor.systemReminder' : 'history.actor.system');
}

function subjectText(subject, names) {
  if (subject.kind === 'customer') return t('history.subject.customer');
  const name = names.get(subject.id);
  return `${t(`history.subject.${subject.kind}`)}: ${name || subject.id}`;
}

/** A changed field's label: the form's label where there is one, else the JSON name. */
function fieldText(field) {
  const keys = [field, `customer.${field}`, `history.field.${field}`];
  for (const key of keys) {
    const text = t(key);
    if (text !== key) return text;
  }
  return field;
}

function eventRow(e, names) {
  const label = (key) => ({ dataset: { label: t(key) } });
  return h('tr', { dataset: { eventId: e.id } },
    h('td', label('history.at'), formatDate(e.at, getLang(), true)),
    h('td', label('history.actor'), actorText(e.actor, names)),
    h('td', label('history.action'), tx('span', `history.action.${e.action}`)),
    h('td', label('history.subject'), subjectText(e.subject, names)),
    h('td', label('history.fields'), (e.fields || []).map(fieldText).join(', ')));
}

function historyTable(events, names) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'list-table' },
    tx('caption', 'tab.history', null, { class: 'sr-only' }),
    h('thead', {}, h('tr', {},
      ['history.at', 'history.actor', 'history.action', 'history.subject', 'history.fields']
        .map((key) => tx('th', key, null, { scope: 'col' })))),
    h('tbody', {}, events.map((e) => eventRow(e, names)))));
}

/** Downloads everything stored about the customer as one JSON file. */
async function downloadExport(id, msg) {
  try {
    const { data } = await api(`/customers/${seg(id)}/export`);
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: `export-${id}.json`, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    showMessage(msg, { kind: 'success', key: 'history.exported' });
  } catch (err) {
    showError(msg, err, { 403: 'history.forbidden' });
  }
}

export async function renderHistory(ctx) {
  const { id, msg, body, seq } = ctx;
  let events = [];
  let cursor = null;
  let names = new Map();
  const listBox = h('div', {});
  const more = h('button', { type: 'button', class: 'secondary', i18n: 'history.more', hidden: true });
  const exportButton = h('button', { type: 'button', class: 'secondary', i18n: 'history.export' });
  exportButton.addEventListener('click', () => downloadExport(id, msg));
  mount(body,
    h('section', { class: 'card', 'aria-labelledby': 'history-heading' },
      tx('h2', 'tab.history', null, { id: 'history-heading' }),
      tx('p', 'history.intro', null, { class: 'muted' }), listBox, more),
    h('section', { class: 'card', 'aria-labelledby': 'export-heading' },
      tx('h2', 'history.exportTitle', null, { id: 'export-heading' }),
      tx('p', 'history.exportIntro', null, { class: 'muted' }), exportButton));

  function render() {
    if (!events.length) mount(listBox, tx('p', 'history.empty', null, { class: 'empty' }));
    else mount(listBox, historyTable(events, names));
    more.hidden = !cursor;
  }

  async function load() {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    try {
      const { data } = await api(`/customers/${seg(id)}/history?limit=25${query}`);
      events = events.concat(data.items || []);
      cursor = data.nextCursor;
      render();
    } catch (err) {
      showError(msg, err, { 403: 'history.forbidden' });
      mount(listBox);
      exportButton.hidden = err && err.status === 403;
    }
  }

  more.addEventListener('click', load);
  names = await loadNames(id);
  await load();
  onLeave(seq, onLangChange(() => render()));
}
