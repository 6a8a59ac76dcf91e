// What falls due, with the local server's clock moved (POST /dev/clock): an expired invitation
// shows as expired with the resend button beside it; the access review box and its
// confirmation (counts, stale invitations); the "Reviews due" screen, overdue first and
// marked, each linking to its customer. Last in file order on purpose: it moves the shared
// server's clock forward, which the other files do not expect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer } from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

async function advanceDays(advanceDays) {
  const { status, data } = await apiCall(null, 'POST', '/dev/clock', { advanceDays });
  assert.equal(status, 200, JSON.stringify(data));
  return data.now;
}

async function person(token, tag) {
  return createCustomer(token, { type: 'person', firstName: 'Frieda', lastName: `Faellig${tag}`, email: `${tag}@example.com` });
}

test('an expired invitation shows as expired with the resend button beside it', async () => {
  const tag = unique('exp');
  const customer = await person(await specialistToken('anna'), tag);
  await advanceDays(8);
  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${encodeURIComponent(customer.id)}/authorisations`);
  const item = page.locator('#section-accesses li.item', { hasText: `${tag}@example.com` });
  await item.locator('.badge-expired', { hasText: 'Einladung abgelaufen' }).waitFor();
  const resend = item.getByRole('button', { name: 'Einladung erneut senden' });
  assert.ok(await resend.isVisible(), 'the resend button sits beside the expired badge');
  await screenshot(page, 'invitation-expired');
  await resend.click();
  await item.locator('.badge-invited').waitFor();
  assert.equal(await item.locator('.badge-expired').count(), 0);
  await page.close();
});

test('the review box confirms access after listing the counts and what looks stale', async () => {
  const tag = unique('rev');
  const customer = await person(await specialistToken('anna'), tag);
  await advanceDays(8);
  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${encodeURIComponent(customer.id)}/authorisations`);
  const box = page.locator('#section-review');
  await box.getByRole('heading', { name: 'Zugriffsprüfung' }).waitFor();
  assert.equal(await box.locator('#review-last').textContent(), 'Noch nicht geprüft');
  assert.match(await box.locator('#review-due').textContent(), /^Nächste Prüfung fällig am /);
  await box.getByRole('button', { name: 'Zugriffe bestätigen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Zugriffe bestätigen' });
  await dialog.waitFor();
  const counts = await dialog.locator('#review-counts li').allTextContents();
  assert.deepEqual(counts, ['1 Zugang eines Endanwenders', '1 Administrator', '0 weitere Bearbeiter']);
  const stale = await dialog.locator('#review-stale li').allTextContents();
  assert.deepEqual(stale, [`Einladung abgelaufen: Frieda Faellig${tag} (${tag}@example.com)`]);
  await screenshot(page, 'access-review-confirmation');
  await dialog.getByRole('button', { name: 'Zugriffe bestätigen' }).click();
  await box.locator('#review-last', { hasText: 'von Anna Albers' }).waitFor();
  assert.match(await box.locator('#review-last').textContent(), /^Zuletzt geprüft am .* von Anna Albers$/);
  await screenshot(page, 'access-review-box');
  await page.close();
});

test('the reviews due screen lists overdue reviews first, marked, each linking to its customer', async () => {
  const token = await specialistToken('ben');
  const tag = unique('due');
  const overdue = await person(token, tag);
  await advanceDays(366);
  const page = await browser.newPage();
  await signIn(page, 'ben', '#/reviews');
  await page.getByRole('heading', { level: 1, name: 'Fällige Prüfungen' }).waitFor();
  const entry = page.locator(`#reviews-list li[data-customer-id="${overdue.id}"]`);
  await entry.waitFor();
  assert.equal(await entry.locator('.badge-overdue').textContent(), 'Überfällig');
  const marks = await page.locator('#reviews-list li').evaluateAll(
    (lis) => lis.map((li) => li.classList.contains('review-overdue')));
  assert.deepEqual(marks, [...marks].sort((a, b) => Number(b) - Number(a)), 'overdue first');
  await screenshot(page, 'reviews-due');
  await entry.getByRole('link', { name: `Faellig${tag}, Frieda` }).click();
  await page.locator('#section-review').waitFor();
  assert.match(page.url(), new RegExp(`#/customers/${overdue.id}/authorisations$`));
  // (The box compares the due date with the browser's clock, which the server's moved clock
  // left behind: it names the due date, not whether it passed.)
  assert.match(await page.locator('#review-due').textContent(), /\d{4}/);
  await page.close();
});
