// Delete customer permanently: the confirmation names what goes, then back to the overview.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer, createTransaction,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

test('delete a customer with its accesses and business transactions', async () => {
  const token = await specialistToken('anna');
  const tag = unique('d');
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Dora', lastName: `Delete${tag}`, email: `${tag}@example.com`,
  });
  const cid = encodeURIComponent(customer.id);
  const access = await apiCall(token, 'POST', `/customers/${cid}/accesses`, {
    firstName: 'Dieter', lastName: `Delete${tag}`, email: `${tag}-2@example.com`,
  });
  assert.equal(access.status, 201, JSON.stringify(access.data));
  await createTransaction(token, customer.id, 'Grundsteuer');

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
  await dialog.getByText('2 Zugänge').waitFor();
  await dialog.getByText('1 Geschäftsvorfall', { exact: true }).waitFor();
  await screenshot(page, 'delete-customer', { fullPage: false });
  await dialog.getByRole('button', { name: 'Endgültig löschen' }).click();

  await page.getByRole('heading', { level: 1, name: 'Kundenübersicht' }).waitFor();
  await page.getByText(`Der Kunde „Delete${tag}, Dora“ wurde endgültig gelöscht.`).waitFor();
  const gone = await apiCall(token, 'GET', `/customers/${cid}`);
  assert.equal(gone.status, 404);
  await page.getByRole('searchbox', { name: 'Suche' }).fill(`Delete${tag}`);
  await page.getByText('Keine Kunden gefunden.').waitFor();
});
