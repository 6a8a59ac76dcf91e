// "Reviews due": the access reviews the signed-in specialist must do (the customers it
// administers; a platform admin: all), due within 30 days or overdue, overdue first (the
// list comes oldest due date first), each linking to its customer's authorisations.
import { h, tx, mount, liveRegion } from '/dom.js';
import { api, query, seg } from '/api.js';
import { currentRoute } from '/console/navigation.js';
import { showError } from '/console/errors.js';

function reviewItem(r) {
  return h('li', { class: ['item', r.overdue ? 'review-overdue' : null], dataset: { customerId: r.customer.id } },
    h('div', { class: 'item-main' },
      h('p', { class: 'item-title' },
        h('a', { href: `#/customers/${seg(r.customer.id)}/authorisations` }, r.customer.displayName)),
      h('p', { class: 'item-sub' },
        r.overdue ? tx('span', 'reviews.overdue', null, { class: 'badge badge-overdue' }) : null,
        r.overdue ? ' ' : null,
        tx('span', 'reviews.dueOn', { date: { $date: r.dueAt } }),
        r.reviewedAt ? h('span', {}, ' · ', tx('span', 'reviews.lastOn', { date: { $date: r.reviewedAt } })) : null)));
}

export async function renderReviews(main) {
  const seq = currentRoute();
  const msg = liveRegion();
  const list = h('ul', { class: 'item-list', id: 'reviews-list' });
  const more = h('button', { type: 'button', class: 'secondary', i18n: 'reviews.more', hidden: true });
  mount(main, tx('h1', 'reviews.title'), tx('p', 'reviews.intro', null, { class: 'muted' }), msg,
    h('section', { class: 'card' }, list, more));
  let cursor = null;
  const load = async () => {
    try {
      const { data } = await api(`/access-reviews${query({ limit: 50, cursor })}`);
      if (seq !== currentRoute()) return;
      list.append(...data.items.map(reviewItem));
      if (!list.children.length) mount(list, tx('li', 'reviews.none', null, { class: 'empty' }));
      cursor = data.nextCursor;
      more.hidden = !cursor;
    } catch (err) {
      showError(msg, err);
    }
  };
  more.addEventListener('click', load);
  await load();
}
