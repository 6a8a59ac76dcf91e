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

export async function renderCustomer(main, id, tab) {
  const seq = currentRoute();
  const msg = liveRegion();
  const heading = h('h1', {}, tx('span', 'common.loading'));
  const tabs = h('nav', { class: 'tabs', i18nAttr: { 'aria-label': 'customer.contextNav' } },
    [['data', 'tab.data'], ['authorisations', 'tab.authorisations'], ['transactions', 'tab.transactions'],
      ['history', 'tab.history']]
      .map(([k, key]) => h('a', {
        href: `#/customers/${seg(id)}/${k}`, i18n: key, 'aria-current': k === tab ? 'page' : undefined,
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
  if (tab === 'data') await renderCustomerData(ctx);
  else if (tab === 'authorisations') await renderAuthorisations(ctx);
  else if (tab === 'history') await renderHistory(ctx);
  else await renderTransactions(ctx);
}
