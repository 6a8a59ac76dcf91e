// Responsibilities screen: a platform admin picks a specialist, sees the customers it is
// responsible for (as administrator, or as additional processor of transactions) and hands
// all of it over to another specialist, following the handover until it is done; any other
// specialist sees its own responsibilities.
import { h, tx, mount, clearMessage, showMessage, liveRegion } from '/dom.js';
import { t } from '/i18n.js';
import { api, seg, uuid } from '/api.js';
import { decodeJwt } from '/auth.js';
import { session, currentRoute, onLeave } from '/console/navigation.js';
import { showError } from '/console/errors.js';

const POLL_MS = 1000;

function isPlatformAdmin() {
  const user = session.getUser();
  return Boolean(user && (user.groups || []).includes('admins'));
}

/** The signed-in specialist's id: its token's `sub`, as the directory names it. */
function ownId() {
  const claims = decodeJwt(session.getToken() || '') || {};
  return claims.sub || '';
}

function roleCell(r) {
  const parts = [];
  if (r.administrator) parts.push(t('responsibilities.administrator'));
  if (r.transactions.length) {
    parts.push(t('responsibilities.processor', { titles: r.transactions.map((x) => x.title).join(', ') }));
  }
  return parts.join('; ');
}

function listTable(items) {
  if (!items.length) return tx('p', 'responsibilities.empty', null, { id: 'responsibilities-empty' });
  return h('table', { class: 'list-table', id: 'responsibilities-list' },
    tx('caption', 'responsibilities.caption', null, { class: 'sr-only' }),
    h('thead', {}, h('tr', {},
      tx('th', 'customer.name', null, { scope: 'col' }),
      tx('th', 'responsibilities.role', null, { scope: 'col' }))),
    h('tbody', {}, items.map((r) => h('tr', {},
      h('td', { dataset: { label: t('customer.name') } },
        h('a', { href: `#/customers/${seg(r.customer.id)}` }, r.customer.displayName)),
      h('td', { dataset: { label: t('responsibilities.role') } }, roleCell(r))))));
}

async function loadList(view, specialist) {
  clearMessage(view.msg);
  try {
    const { data } = await api(`/specialists/${seg(specialist)}/responsibilities?limit=100`);
    mount(view.list, listTable(data.items));
    if (view.hand) view.hand.disabled = !data.items.length;
  } catch (err) {
    showError(view.msg, err);
  }
}

function showProgress(view, job) {
  const percent = job.customers ? Math.round((100 * job.done) / job.customers) : 100;
  view.bar.value = job.status === 'done' ? 100 : percent;
  mount(view.progressText, tx('span', job.status === 'done' ? 'responsibilities.done' : 'responsibilities.progress',
    { done: job.done, customers: job.customers }));
}

/** Polls GET /handovers/{id} until done (then shows the leaver's list again) or the screen is left. */
function follow(view, id, seq, specialist) {
  let timer = null;
  onLeave(seq, () => { if (timer) clearTimeout(timer); });
  const poll = async () => {
    try {
      const { data } = await api(`/handovers/${seg(id)}`);
      if (seq !== currentRoute()) return;
      showProgress(view, data);
      if (data.status === 'done') await loadList(view, specialist);
      else timer = setTimeout(poll, POLL_MS);
    } catch (err) {
      showError(view.msg, err);
    }
  };
  poll();
}

async function handOver(view, seq) {
  const from = view.pick.value;
  const to = view.to.value;
  clearMessage(view.msg);
  if (!to || to === from) {
    showMessage(view.msg, { kind: 'error', key: 'responsibilities.chooseOther' });
    return;
  }
  view.hand.disabled = true;
  try {
    const { data } = await api(`/specialists/${seg(from)}/handover`, {
      method: 'POST', body: { to }, headers: { 'Idempotency-Key': uuid() },
    });
    view.progress.hidden = false;
    follow(view, data.id, seq, from);
  } catch (err) {
    showError(view.msg, err);
    view.hand.disabled = false;
  }
}

function specialistSelect(id, specialists, labelKey) {
  const select = h('select', { id, name: id },
    specialists.map((s) => h('option', { value: s.id }, `${s.name} (${s.email})`)));
  return { select, field: h('div', { class: 'field' }, tx('label', labelKey, null, { for: id }), select) };
}

function adminControls(specialists) {
  const pick = specialistSelect('responsibilities-specialist', specialists, 'responsibilities.specialist');
  const to = specialistSelect('responsibilities-to', specialists, 'responsibilities.to');
  const hand = h('button', { type: 'button', class: 'primary', i18n: 'responsibilities.handOver', disabled: true });
  const bar = h('progress', { id: 'handover-bar', max: '100', value: '0' });
  const progressText = h('p', { id: 'handover-progress-text', role: 'status' });
  const progress = h('div', { class: 'card', hidden: true },
    tx('label', 'responsibilities.progressLabel', null, { for: 'handover-bar' }), bar, progressText);
  return { pick, to, hand, bar, progressText, progress };
}

async function renderForAdmin(main, view, seq) {
  const { data } = await api('/specialists');
  const c = adminControls(data.items);
  Object.assign(view, { pick: c.pick.select, to: c.to.select, hand: c.hand, bar: c.bar,
    progressText: c.progressText, progress: c.progress });
  mount(main,
    tx('h1', 'responsibilities.title'),
    tx('p', 'responsibilities.introAdmin'),
    view.msg,
    h('div', { class: 'card' }, c.pick.field),
    view.list,
    h('div', { class: 'card' }, tx('h2', 'responsibilities.handOverTitle'),
      tx('p', 'responsibilities.handOverIntro'), c.to.field, h('div', { class: 'actions' }, c.hand)),
    c.progress);
  view.pick.addEventListener('change', () => { view.progress.hidden = true; loadList(view, view.pick.value); });
  view.hand.addEventListener('click', () => handOver(view, seq));
  await loadList(view, view.pick.value);
}

export async function renderResponsibilities(main) {
  const seq = currentRoute();
  const view = { msg: liveRegion(), list: h('div') };
  try {
    if (isPlatformAdmin()) {
      await renderForAdmin(main, view, seq);
      return;
    }
    mount(main, tx('h1', 'responsibilities.title'), tx('p', 'responsibilities.introOwn'), view.msg, view.list);
    await loadList(view, ownId());
  } catch (err) {
    mount(main, tx('h1', 'responsibilities.title'), view.msg);
    showError(view.msg, err);
  }
}
