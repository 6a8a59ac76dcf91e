// Delete customer permanently: the confirmation names what goes, counted by the server's
// deletion preview, then back to the overview; a specialist who may not delete is told so
// before any dialog.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer, createTransaction,
  registerByApi,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

/**
 * A customer of anna's with two accesses (the first one registered), two administrators
 * (anna, ben), two business transactions and two additional processors (ben and root, each on
 * both transactions: four assignments of two specialists).
 */
async function customerWithEverything(token, tag) {
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Dora', lastName: `Delete${tag}`, email: `${tag}@example.com`,
  });
  const cid = encodeURIComponent(customer.id);
  await registerByApi(`${tag}@example.com`, 'ein-sicheres-Passwort-für-Dora');
  const access = await apiCall(token, 'POST', `/customers/${cid}/accesses`, {
    firstName: 'Dieter', lastName: `Delete${tag}`, email: `${tag}-2@example.com`,
  });
  assert.equal(access.status, 201, JSON.stringify(access.data));
  const admins = await apiCall(token, 'POST', `/customers/${cid}/administrators`, { specialistIds: ['ben'] });
  assert.equal(admins.status, 200, JSON.stringify(admins.data));
  const t1 = await createTransaction(token, customer.id, 'Grundsteuer');
  const t2 = await createTransaction(token, customer.id, 'Einkommensteuer');
  const processors = await apiCall(token, 'POST', `/customers/${cid}/additional-processors`, {
    specialistIds: ['ben', 'root'], transactionIds: [t1.id, t2.id],
  });
  assert.equal(processors.status, 200, JSON.stringify(processors.data));
  return cid;
}

test('delete a customer after its preview counts what goes', async () => {
  const token = await specialistToken('anna');
  const tag = unique('d');
  const cid = await customerWithEverything(token, tag);
  const preview = await apiCall(token, 'GET', `/customers/${cid}/deletion-preview`);
  assert.deepEqual(preview.data, {
    accesses: 2, activeAccesses: 1, administrators: 2, additionalProcessors: 2, transactions: 2,
  });

  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${cid}`);
  await page.getByRole('heading', { level: 1, name: `Delete${tag}, Dora` }).waitFor();

  // Cancelling keeps everything; focus returns to the button.
  await page.getByRole('button', { name: 'Kunden endgültig löschen' }).click();
  let dialog = page.getByRole('dialog', { name: `Kunden „Delete${tag}, Dora“ endgültig löschen?` });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Abbrechen' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'delete-customer');

  await page.getByRole('button', { name: 'Kunden endgültig löschen' }).click();
  dialog = page.getByRole('dialog', { name: `Kunden „Delete${tag}, Dora“ endgültig löschen?` });
  await dialog.waitFor();
  assert.deepEqual(await dialog.getByRole('listitem').allTextContents(), [
    `die Kundendaten von „Delete${tag}, Dora“`,
    '2 Zugänge, davon 1 aktiv (registrierte Endanwender verlieren den Zugang zu diesem Kunden)',
    '2 Administratoren',
    '2 weitere Bearbeiter',
    '2 Geschäftsvorfälle',
  ]);
  await screenshot(page, 'delete-preview', { fullPage: false });
  await dialog.getByRole('button', { name: 'Endgültig löschen' }).click();

  await page.getByRole('heading', { level: 1, name: 'Kundenübersicht' }).waitFor();
  await page.getByText(`Der Kunde „Delete${tag}, Dora“ wurde endgültig gelöscht.`).waitFor();
  const gone = await apiCall(token, 'GET', `/customers/${cid}`);
  assert.equal(gone.status, 404);
  await page.getByRole('searchbox', { name: 'Suche' }).fill(`Delete${tag}`);
  await page.getByText('Keine Kunden gefunden.').waitFor();

  // The deletion left its record, with the counts the dialog showed.
  const records = await apiCall(await specialistToken('root'), 'GET', '/deletions?limit=100');
  assert.equal(records.status, 200, JSON.stringify(records.data));
  const record = records.data.items.find((r) => r.customerId === decodeURIComponent(cid));
  assert.deepEqual(record.counts, preview.data);
  assert.deepEqual(record.actor, { kind: 'specialist', id: 'anna' });
});

test('a specialist who is not an administrator learns so without a dialog', async () => {
  const token = await specialistToken('anna');
  const tag = unique('n');
  const customer = await createCustomer(token, {
    type: 'company', companyName: `Nicht${tag} GmbH`, contactFirstName: 'Nina', contactLastName: 'Nicht',
    email: `${tag}@example.com`,
  });
  const page = await browser.newPage();
  await signIn(page, 'ben', `#/customers/${encodeURIComponent(customer.id)}`);
  await page.getByRole('heading', { level: 1, name: `Nicht${tag} GmbH` }).waitFor();
  await page.getByRole('button', { name: 'Kunden endgültig löschen' }).click();
  await page.getByText('Sie dürfen diesen Kunden nicht löschen. Das dürfen nur seine Administratoren.').waitFor();
  assert.equal(await page.getByRole('dialog').count(), 0);
  const still = await apiCall(token, 'GET', `/customers/${encodeURIComponent(customer.id)}`);
  assert.equal(still.status, 200);
});
