// A customer's screen: breadcrumb, heading and the tabs (data, authorisations, business
// transactions, history); loads the customer and hands it to the chosen tab.
import { h, tx, mount, liveRegion } from '/dom.js';
import { api, seg } from '/api.js';
import { currentRoute } from '/console/navigation.js';
import { showError } from '/console/errors.js';
import { renderCustomerData } from '/console/customer-data.js';
import { renderAuthorisations } from '/console/authorisations.js';
import { renderTransactions } from '/console/transactions.js';
import { renderHistory } from '/console/history.js';

// The one list of a customer's tabs, in their order: the fragment, the label and the renderer.
// The router (app.js) accepts exactly these.
export const TABS = [
  { id: 'data', label: 'tab.data', render: renderCustomerData },
  { id: 'authorisations', label: 'tab.authorisations', render: renderAuthorisations },
  { id: 'transactions', label: 'tab.transactions', render: renderTransactions },
  { id: 'history', label: 'tab.history', render: renderHistory },
];

// The tab of a fragment's third part, the first tab where there is none or it is unknown.
export function tabOf(part) {
  return (TABS.find((t) => t.id === part) || TABS[0]).id;
}

export async function renderCustomer(main, id, tab) {
  const seq = currentRoute();
  const msg = liveRegion();
  const heading = h('h1', {}, tx('span', 'common.loading'));
  const tabs = h('nav', { class: 'tabs', i18nAttr: { 'aria-label': 'customer.contextNav' } },
    TABS.map((t) => h('a', {
      href: `#/customers/${seg(id)}/${t.id}`, i18n: t.label, 'aria-current': t.id === tab ? 'page' : undefined,
    })));
  const body = h('div', { class: 'tab-body' });
  mount(main,
    h('nav', { class: 'breadcrumb', i18nAttr: { 'aria-label': 'common.breadcrumb' } },
      h('a', { href: '#/customers', i18n: 'overview.title' })),
    heading, tabs, msg, body);
  let customer;
  try {
    ({ data: customer } = await api(`/customers/${seg(id)}`));
  } catch (err) {
    mount(heading, tx('span', 'customer.notFoundTitle'));
    tabs.hidden = true;
    showError(msg, err, { 404: 'customer.notFound' });
    return;
  }
  const setHeading = (c) => mount(heading, c.displayName || c.email);
  setHeading(customer);
  if (seq !== currentRoute()) return;
  const ctx = { id, customer, msg, body, setHeading, seq };
  await TABS.find((t) => t.id === tabOf(tab)).render(ctx);
}
