// Authorisations at a glance: create access, determine administrators and additional
// processors, select and remove (the Remove button only while something is selected),
// the last-administrator conflict, resending an invitation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer,
  createTransaction, outbox,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

const focusedId = (page) => page.evaluate(() => document.activeElement && document.activeElement.id);

test('determine administrators and processors, select and remove authorisations', async () => {
  const token = await specialistToken('anna');
  const tag = unique('a');
  const customer = await createCustomer(token, {
    type: 'company', companyName: `Rechte ${tag} GmbH`, contactFirstName: 'Erste', contactLastName: 'Person',
    email: `${tag}@example.com`,
  });
  const cid = encodeURIComponent(customer.id);
  const t1 = await createTransaction(token, customer.id, `Lohn ${tag}`);
  await createTransaction(token, customer.id, `Bilanz ${tag}`);

  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${cid}/authorisations`);
  await page.getByRole('heading', { level: 1, name: `Rechte ${tag} GmbH` }).waitFor();
  const accesses = page.locator('#section-accesses');
  const admins = page.locator('#section-administrators');
  const processors = page.locator('#section-processors');
  await accesses.getByText('Erste Person').waitFor();
  await accesses.getByText(/Eingeladen am/).waitFor();
  await admins.getByText('anna@', { exact: false }).waitFor();
  const removeButton = page.locator('#remove-authorisation');
  assert.equal(await removeButton.isVisible(), false, 'no Remove button without a selection');

  // Create new access: mandatory last name missing -> inline error in the dialog.
  await page.getByRole('button', { name: 'Neuen Zugang anlegen' }).click();
  const dialog = page.getByRole('dialog', { name: 'Neuen Zugang anlegen' });
  await dialog.waitFor();
  assert.equal(await focusedId(page), 'access-new-firstName', 'focus moves into the dialog');
  await dialog.getByRole('textbox', { name: 'Vorname' }).fill('Zweite');
  await dialog.getByRole('textbox', { name: 'E-Mail' }).fill(`${tag}-2@example.com`);
  await dialog.getByRole('button', { name: 'Zugang anlegen' }).click();
  await dialog.locator('#access-new-lastName-error').waitFor({ state: 'visible' });
  assert.equal(await focusedId(page), 'access-new-lastName');
  await dialog.getByRole('textbox', { name: 'Nachname' }).fill('Person');
  await dialog.getByRole('button', { name: 'Zugang anlegen' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focusedId(page), 'action-accesses', 'focus returns to the button');
  await accesses.getByText('Zweite Person').waitFor();

  // Determine administrator: Escape closes and gives focus back; then choose Ben.
  await page.getByRole('button', { name: 'Administrator bestimmen' }).click();
  const adminDialog = page.getByRole('dialog', { name: 'Administrator bestimmen' });
  await adminDialog.getByRole('checkbox', { name: /Ben/ }).waitFor();
  assert.equal(await adminDialog.getByRole('checkbox', { name: /Anna/ }).isDisabled(), true, 'Anna already is administrator');
  await page.keyboard.press('Escape');
  await adminDialog.waitFor({ state: 'detached' });
  assert.equal(await focusedId(page), 'action-administrators');
  await page.getByRole('button', { name: 'Administrator bestimmen' }).click();
  await adminDialog.getByRole('checkbox', { name: /Ben/ }).check();
  await adminDialog.getByRole('button', { name: 'Als Administrator bestimmen' }).click();
  await adminDialog.waitFor({ state: 'detached' });
  await admins.getByText('ben@', { exact: false }).waitFor();

  // Determine additional processors: Root for the first transaction.
  await page.getByRole('button', { name: 'Weitere Bearbeiter bestimmen' }).click();
  const procDialog = page.getByRole('dialog', { name: 'Weitere Bearbeiter bestimmen' });
  await procDialog.getByRole('checkbox', { name: /Root/ }).check();
  await procDialog.getByRole('checkbox', { name: `Lohn ${tag}` }).check();
  await procDialog.getByRole('button', { name: 'Als weitere Bearbeiter bestimmen' }).click();
  await procDialog.waitFor({ state: 'detached' });
  await processors.getByText(`Lohn ${tag}`).waitFor();
  assert.equal(await processors.getByText(`Bilanz ${tag}`).count(), 0);
  const { data: afterProc } = await apiCall(token, 'GET', `/customers/${cid}/authorisations`);
  assert.deepEqual(afterProc.additionalProcessors.map((p) => [p.specialist.id, p.transactions.map((x) => x.id)]), [['root', [t1.id]]]);

  // Selection: the Remove button appears with the count and disappears when nothing is selected.
  const selectZweite = accesses.getByRole('checkbox', { name: /Zweite Person/ });
  const selectBen = admins.getByRole('checkbox', { name: /Ben/ });
  const selectAnna = admins.getByRole('checkbox', { name: /Anna/ });
  await selectZweite.check();
  await removeButton.waitFor({ state: 'visible' });
  assert.match(await removeButton.textContent(), /\(1\)/);
  await selectBen.check();
  assert.match(await removeButton.textContent(), /\(2\)/);
  await selectZweite.uncheck();
  assert.match(await removeButton.textContent(), /\(1\)/);
  await selectBen.uncheck();
  await removeButton.waitFor({ state: 'hidden' });

  // Removing every administrator is refused (409) and removes nothing.
  await selectAnna.check();
  await selectBen.check();
  await removeButton.click();
  let confirm = page.getByRole('dialog', { name: '2 Berechtigungen entfernen?' });
  await confirm.getByRole('button', { name: 'Entfernen' }).click();
  await page.getByText('Ein Kunde braucht immer mindestens einen Administrator.').waitFor();
  const { data: after409 } = await apiCall(token, 'GET', `/customers/${cid}/authorisations`);
  assert.equal(after409.administrators.length, 2);
  await selectAnna.uncheck();

  // Remove Ben, the second access and Root's processor assignment in one go.
  await selectZweite.check();
  await processors.getByRole('checkbox', { name: new RegExp(`Lohn ${tag}`) }).check();
  assert.match(await removeButton.textContent(), /\(3\)/);
  await screenshot(page, 'authorisations-selection');
  await removeButton.click();
  confirm = page.getByRole('dialog', { name: '3 Berechtigungen entfernen?' });
  await confirm.getByText('Zweite Person').waitFor();
  await confirm.getByRole('button', { name: 'Entfernen' }).click();
  await page.getByText('3 Berechtigungen wurden entfernt.').waitFor();
  await removeButton.waitFor({ state: 'hidden' });
  assert.equal(await accesses.getByText('Zweite Person').count(), 0);
  assert.equal(await admins.getByText('ben@', { exact: false }).count(), 0);
  await processors.getByText('Keine weiteren Bearbeiter.').waitFor();
  const { data: final } = await apiCall(token, 'GET', `/customers/${cid}/authorisations`);
  assert.deepEqual(final.administrators.map((a) => a.id), ['anna']);
  assert.equal(final.accesses.length, 1);
  assert.equal(final.additionalProcessors.length, 0);
  await screenshot(page, 'authorisations');

  // Resend the invitation of the remaining (invited) access: a new e-mail goes out.
  const before = (await outbox()).filter((m) => m.to === `${tag}@example.com` && m.channel === 'email').length;
  await accesses.getByRole('button', { name: 'Einladung erneut senden' }).click();
  await page.getByText(/Eine neue Einladung wurde an/).waitFor();
  const afterResend = (await outbox()).filter((m) => m.to === `${tag}@example.com` && m.channel === 'email').length;
  assert.equal(afterResend, before + 1);
});

test('business transactions: create (title mandatory) and delete', async () => {
  const token = await specialistToken('ben');
  const tag = unique('t');
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Theo', lastName: `Vorgang${tag}`, email: `${tag}@example.com`,
  });
  const page = await browser.newPage();
  await signIn(page, 'ben', `#/customers/${encodeURIComponent(customer.id)}`);
  await page.getByRole('heading', { level: 1, name: `Vorgang${tag}, Theo` }).waitFor();
  await page.getByRole('link', { name: 'Geschäftsvorfälle' }).click();
  await page.getByText('Noch keine Geschäftsvorfälle.').waitFor();
  await page.getByRole('button', { name: 'Geschäftsvorfall anlegen' }).click();
  await page.locator('#tr-new-title-error').waitFor({ state: 'visible' });
  assert.equal(await focusedId(page), 'tr-new-title');
  await page.getByRole('textbox', { name: 'Titel' }).fill('Einkommensteuer 2024');
  await page.getByRole('button', { name: 'Geschäftsvorfall anlegen' }).click();
  await page.getByRole('cell', { name: 'Einkommensteuer 2024', exact: true }).waitFor();
  await page.getByRole('textbox', { name: 'Titel' }).fill('Umsatzsteuer Q1');
  await page.getByRole('button', { name: 'Geschäftsvorfall anlegen' }).click();
  await page.getByRole('cell', { name: 'Umsatzsteuer Q1', exact: true }).waitFor();
  await screenshot(page, 'transactions');
  await page.getByRole('button', { name: 'Geschäftsvorfall „Umsatzsteuer Q1“ löschen' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Löschen' }).click();
  await page.getByText('Der Geschäftsvorfall „Umsatzsteuer Q1“ wurde gelöscht.').waitFor();
  assert.equal(await page.getByRole('cell', { name: 'Umsatzsteuer Q1', exact: true }).count(), 0);
  const { data } = await apiCall(token, 'GET', `/customers/${encodeURIComponent(customer.id)}/transactions`);
  assert.deepEqual(data.items.map((x) => x.title), ['Einkommensteuer 2024']);
});

test('an access whose invitation could not be delivered shows the delivery problem', async () => {
  const token = await specialistToken('anna');
  const tag = unique('f');
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Fritz', lastName: `Zustellung${tag}`, email: `${tag}@example.com`, mobile: '0172 3456789',
  });
  const page = await browser.newPage();
  // The local outbox never fails, so the answer is patched the way a failed SMS would look.
  await page.route(/\/customers\/[^/]+\/authorisations$/, async (route) => {
    const response = await route.fetch();
    const body = await response.json();
    for (const a of body.accesses) a.delivery = { ...(a.delivery || {}), email: 'sent', sms: 'failed' };
    await route.fulfill({ response, json: body });
  });
  await signIn(page, 'anna', `#/customers/${encodeURIComponent(customer.id)}/authorisations`);
  const problem = page.getByText('Zustellproblem: Die SMS mit dem Registrierungscode konnte nicht zugestellt werden.');
  await problem.waitFor();
  assert.equal(await page.getByText('Zustellproblem: Die E-Mail').count(), 0);
  await screenshot(page, 'authorisations-delivery-problem');
  await page.getByRole('button', { name: 'Einladung erneut senden' }).click();
  await page.getByText(/Eine neue Einladung wurde an/).waitFor();
  // The list is reloaded after resending: let that patched answer finish before closing.
  await page.unrouteAll({ behavior: 'wait' });
});

test('a bounced invitation shows "E-Mail unzustellbar – Adresse prüfen" and offers no resend', async () => {
  const token = await specialistToken('anna');
  const tag = unique('b');
  const email = `${tag}@example.com`;
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Bea', lastName: `Bounce${tag}`, email,
  });
  // The mail service's later report, as the local server plays it (the same use case as the
  // deliveries function's SES events).
  const reported = await apiCall(null, 'POST', '/dev/mail-events', { email, event: 'bounced' });
  assert.equal(reported.status, 204);
  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${encodeURIComponent(customer.id)}/authorisations`);
  await page.getByText('E-Mail unzustellbar – Adresse prüfen.', { exact: false }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Einladung erneut senden' }).count(), 0);
  await screenshot(page, 'authorisations-bounced');
  const { status } = await apiCall(token, 'POST', `/customers/${encodeURIComponent(customer.id)}/accesses/${encodeURIComponent(customer.accesses[0].id)}/invitation`, {});
  assert.equal(status, 409, 'the API refuses a new invitation to a bounced address');
  await page.close();
});
