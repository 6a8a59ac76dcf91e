// History tab: who changed what and when, newest first, with the changed fields named and no
// value shown; the export downloads everything stored as JSON; other specialists are told that
// only administrators see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer, createTransaction,
  registerByApi,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

/** A customer of anna's that registered, was edited (city) and got a business transaction. */
async function customerWithHistory(token, tag) {
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Hanna', lastName: `History${tag}`, email: `${tag}@example.com`,
    address: { street: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
  });
  const cid = encodeURIComponent(customer.id);
  await registerByApi(`${tag}@example.com`, 'ein-sicheres-Passwort-für-Hanna');
  const { data: current } = await apiCall(token, 'GET', `/customers/${cid}`);
  const { id, displayName, createdAt, updatedAt, accesses, ...fields } = current;
  const edit = await apiCall(token, 'PUT', `/customers/${cid}`, { ...fields, address: { ...current.address, city: 'Geheimstadt' } });
  assert.equal(edit.status, 200, JSON.stringify(edit.data));
  await createTransaction(token, customer.id, 'Steuererklärung');
  return { cid, id: customer.id };
}

/** The table's rows as [when, who, action, concerns, fields] texts, newest first. */
async function rows(page) {
  const table = page.getByRole('table', { name: 'Verlauf' });
  await table.waitFor();
  const texts = await table.locator('tbody tr').evaluateAll((trs) => trs.map(
    (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  return texts.map(([, who, action, concerns, fields]) => [who, action, concerns, fields]);
}

test('the history tab lists the changes newest first and the export downloads them', async () => {
  const token = await specialistToken('anna');
  const tag = unique('h');
  const { cid, id } = await customerWithHistory(token, tag);

  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${cid}`);
  await page.getByRole('link', { name: 'Verlauf' }).click();
  await page.getByRole('heading', { level: 2, name: 'Verlauf' }).waitFor();
  const seen = await rows(page);
  assert.deepEqual(seen.slice(0, 3), [
    ['Anna Albers', 'Geschäftsvorfall angelegt', 'Geschäftsvorfall: Steuererklärung', ''],
    ['Anna Albers', 'Kundendaten geändert', 'Kunde', 'Ort'],
    ['Endanwender (Registrierung)', 'Registrierung abgeschlossen', seen[2][2], ''],
  ]);
  assert.equal(seen[2][2], `Zugang: History${tag}, Hanna`);
  assert.deepEqual(seen.slice(3).map((r) => r[1]), [
    'Zustellstatus der Einladung', 'Administrator hinzugefügt', 'Zugang angelegt', 'Kunde angelegt',
  ]);
  assert.equal(seen[3][3], 'E-Mail');
  const text = await page.getByRole('table', { name: 'Verlauf' }).textContent();
  assert.ok(!text.includes('Geheimstadt') && !text.includes('Berlin'), 'no value in the history');
  await screenshot(page, 'history');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export (JSON)' }).click();
  const file = await (await download).path();
  const exported = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(exported.customer.id, id);
  assert.equal(exported.customer.address.city, 'Geheimstadt');
  assert.equal(exported.history.length, seen.length);
  assert.equal(exported.transactions[0].title, 'Steuererklärung');
  assert.ok(!JSON.stringify(exported).includes('codeHash'), 'no secret in the export');
  await page.getByText('Der Export wurde heruntergeladen.').waitFor();

  await page.getByRole('combobox', { name: 'Sprache', exact: true }).selectOption('en');
  await page.getByRole('heading', { level: 2, name: 'History' }).waitFor();
  await page.getByRole('cell', { name: 'Client data changed' }).waitFor();
  await screenshot(page, 'history-en');
  await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('de');
  await page.close();
});

test('a specialist who is not an administrator is told so on the history tab', async () => {
  const token = await specialistToken('anna');
  const tag = unique('h');
  const { cid } = await customerWithHistory(token, tag);
  const page = await browser.newPage();
  await signIn(page, 'ben', `#/customers/${cid}/history`);
  await page.getByText('Verlauf und Export sehen nur die Administratoren dieses Kunden.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Export (JSON)' }).count(), 0);
  await page.close();
});
