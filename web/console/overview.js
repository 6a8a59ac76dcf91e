// Customer overview: search by name prefix, filter by type, page through the list.
import { h, tx, mount, clearMessage, liveRegion, formatDate, debounce } from '/dom.js';
import { t, getLang, onLangChange } from '/i18n.js';
import { api, query, seg } from '/api.js';
import { currentRoute, onLeave } from '/console/navigation.js';
import { showError } from '/console/errors.js';

// Kept across visits, so coming back from a customer shows the same search and page.
const overviewState = { q: '', type: '', limit: 25, cursors: [null], page: 0 };

function filterControls(st) {
  const search = h('input', {
    type: 'search', id: 'overview-q', name: 'q', value: st.q, autocomplete: 'off',
    i18nAttr: { placeholder: 'overview.searchPlaceholder' }, 'aria-describedby': 'overview-q-hint',
  });
  const typeSelect = h('select', { id: 'overview-type', name: 'type' },
    h('option', { value: '', i18n: 'overview.typeAll' }),
    h('option', { value: 'person', i18n: 'customerType.person' }),
    h('option', { value: 'company', i18n: 'customerType.company' }));
  typeSelect.value = st.type;
  const limitSelect = h('select', { id: 'overview-limit', name: 'limit' },
    [10, 25, 50, 100].map((n) => h('option', { value: String(n) }, String(n))));
  limitSelect.value = String(st.limit);
  return { search, typeSelect, limitSelect };
}

function filterForm({ search, typeSelect, limitSelect }, onSubmit) {
  return h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); onSubmit(); } },
    h('div', { class: 'field' },
      tx('label', 'overview.search', null, { for: 'overview-q' }),
      tx('p', 'overview.searchHint', null, { id: 'overview-q-hint', class: 'field-hint' }),
      search),
    h('div', { class: 'field' }, tx('label', 'customer.type', null, { for: 'overview-type' }), typeSelect),
    h('div', { class: 'field' }, tx('label', 'overview.perPage', null, { for: 'overview-limit' }), limitSelect));
}

function resultsTable(tbody) {
  return h('table', { class: 'list-table' },
    tx('caption', 'overview.caption', null, { class: 'sr-only' }),
    h('thead', {}, h('tr', {},
      tx('th', 'customer.name', null, { scope: 'col' }),
      tx('th', 'customer.type', null, { scope: 'col' }),
      tx('th', 'customer.email', null, { scope: 'col' }),
      tx('th', 'customer.createdAt', null, { scope: 'col' }))),
    tbody);
}

function pagerControls() {
  const prev = h('button', { type: 'button', class: 'secondary', i18n: 'overview.prev' });
  const next = h('button', { type: 'button', class: 'secondary', i18n: 'overview.next' });
  const pageLabel = h('span', { class: 'muted' });
  const pager = h('nav', { class: 'pager', i18nAttr: { 'aria-label': 'overview.paging' } }, prev, pageLabel, next);
  return { prev, next, pageLabel, pager };
}

function customerRow(c) {
  return h('tr', {},
    h('td', { dataset: { label: t('customer.name') } },
      h('a', { href: `#/customers/${seg(c.id)}` }, c.displayName || c.email || c.id)),
    h('td', { dataset: { label: t('customer.type') } }, tx('span', `customerType.${c.type}`)),
    h('td', { dataset: { label: t('customer.email') } }, c.email || ''),
    h('td', { dataset: { label: t('customer.createdAt') } }, formatDate(c.createdAt, getLang())));
}

/** Shows one page of the list (data: the API's answer) and remembers the cursor to the next. */
function showPage(view, data) {
  const { st, tbody, table, empty, paging, status } = view;
  const items = data.items || [];
  mount(tbody, items.map(customerRow));
  table.hidden = items.length === 0;
  empty.hidden = items.length !== 0;
  st.cursors[st.page + 1] = data.nextCursor || null;
  st.cursors.length = st.page + 2;
  paging.prev.disabled = st.page === 0;
  paging.next.disabled = !data.nextCursor;
  paging.pager.hidden = st.page === 0 && !data.nextCursor;
  mount(paging.pageLabel, tx('span', 'overview.page', { page: st.page + 1 }));
  mount(status, tx('span', 'overview.count', { count: items.length }));
}

function overviewLoader(view) {
  const { st, msg, status } = view;
  let loadSeq = 0;
  return async function load() {
    loadSeq += 1;
    const mySeq = loadSeq;
    mount(status, tx('span', 'common.loading'));
    try {
      const { data } = await api(`/customers${query({
        q: st.q.trim(), type: st.type, limit: st.limit, cursor: st.cursors[st.page],
      })}`);
      if (mySeq !== loadSeq) return;
      clearMessage(msg);
      showPage(view, data);
    } catch (err) {
      if (mySeq !== loadSeq) return;
      mount(status);
      showError(msg, err);
    }
  };
}

export async function renderOverview(main) {
  const seq = currentRoute();
  const st = overviewState;
  const msg = liveRegion();
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const filters = filterControls(st);
  const tbody = h('tbody');
  const table = resultsTable(tbody);
  const empty = tx('p', 'overview.empty', null, { class: 'empty', hidden: true });
  const paging = pagerControls();
  const load = overviewLoader({ st, msg, status, tbody, table, empty, paging });
  function reset() {
    st.q = filters.search.value;
    st.page = 0;
    st.cursors = [null];
    load();
  }

  mount(main,
    h('div', { class: 'page-head' },
      tx('h1', 'overview.title'),
      h('a', { href: '#/customers/new', class: 'button primary', i18n: 'overview.add', id: 'add-customer' })),
    msg,
    filterForm(filters, reset),
    status,
    h('div', { class: 'table-wrap' }, table),
    empty,
    paging.pager);

  filters.search.addEventListener('input', debounce(reset, 300));
  filters.typeSelect.addEventListener('change', () => { st.type = filters.typeSelect.value; reset(); });
  filters.limitSelect.addEventListener('change', () => { st.limit = Number(filters.limitSelect.value); reset(); });
  paging.prev.addEventListener('click', () => { if (st.page > 0) { st.page -= 1; load(); } });
  paging.next.addEventListener('click', () => { if (st.cursors[st.page + 1]) { st.page += 1; load(); } });
  // Rows carry translated data-labels for the narrow layout: reload on language change.
  onLeave(seq, onLangChange(() => load()));
  await load();
}
