// The access review box of the authorisations tab: when the customer's accesses were last
// confirmed and by whom, when the next review falls due, and the confirmation, which lists
// what is being confirmed (counts) and anything that looks stale.
import { h, tx, confirmDialog, showMessage } from '/dom.js';
import { api, seg } from '/api.js';
import { showError } from '/console/errors.js';
import { personName } from '/console/authorisations/accesses.js';

/** Accesses still invited this long after their invitation look forgotten. */
const STALE_INVITED_MS = 30 * 24 * 3600 * 1000;

/** Expired invitations, and accesses invited more than 30 days ago and not registered. */
export function staleAccesses(accesses, now = Date.now()) {
  const stale = [];
  for (const a of accesses) {
    if (a.status === 'expired') stale.push({ key: 'review.staleExpired', a });
    else if (a.status === 'invited' && now - new Date(a.invitedAt).getTime() > STALE_INVITED_MS) {
      stale.push({ key: 'review.staleInvited', a });
    }
  }
  return stale;
}

function confirmationItems(auths) {
  const counts = [
    tx('li', 'review.countAccesses', { count: auths.accesses.length }),
    tx('li', 'review.countAdministrators', { count: auths.administrators.length }),
    tx('li', 'review.countProcessors', { count: auths.additionalProcessors.length }),
  ];
  const stale = staleAccesses(auths.accesses);
  return h('div', { class: 'review-summary' },
    h('ul', { class: 'consequences', id: 'review-counts' }, counts),
    stale.length
      ? h('div', { class: 'review-stale' },
        tx('p', 'review.staleHeading'),
        h('ul', { id: 'review-stale' },
          stale.map(({ key, a }) => tx('li', key, { name: personName(a), email: a.email }))))
      : tx('p', 'review.noStale', null, { id: 'review-stale-none' }));
}

async function confirmReview(tab) {
  const { id, msg, auths } = tab;
  const ok = await confirmDialog({
    titleKey: 'review.dialogTitle',
    messageKey: 'review.dialogMessage',
    extra: confirmationItems(auths),
    confirmKey: 'review.confirm',
  });
  if (!ok) return;
  try {
    const { data } = await api(`/customers/${seg(id)}/access-review`, { method: 'POST', body: {} });
    tab.setAuths(data);
    const due = data.accessReview && data.accessReview.dueAt;
    showMessage(msg, { kind: 'success', key: 'review.done', args: { date: { $date: due } } });
  } catch (err) {
    showError(msg, err, { 403: 'review.forbidden' });
  }
}

/** The box: last review (or none yet), due date (marked when overdue), and the button. */
export function reviewBox(tab) {
  const review = tab.auths.accessReview;
  if (!review) return null;
  const overdue = new Date(review.dueAt).getTime() <= Date.now();
  const last = review.reviewedAt
    ? tx('p', 'review.last', { date: { $date: review.reviewedAt }, name: tab.specialistName(review.reviewedBy) }, { id: 'review-last' })
    : tx('p', 'review.never', null, { id: 'review-last' });
  return h('section', { class: 'card auth-group review-box', 'aria-labelledby': 'group-review', id: 'section-review' },
    h('div', { class: 'group-head' },
      tx('h3', 'review.title', null, { id: 'group-review', tabindex: '-1' }),
      h('button', { type: 'button', class: 'secondary', i18n: 'review.confirm', id: 'action-review', onclick: () => confirmReview(tab) })),
    last,
    tx('p', overdue ? 'review.overdue' : 'review.due', { date: { $date: review.dueAt } },
      { id: 'review-due', class: overdue ? 'badge badge-overdue' : 'muted' }));
}
