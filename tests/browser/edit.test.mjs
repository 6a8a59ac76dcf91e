// Client data: editing, the stale-version conflict (409) and reloading.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

test('save with a stale version shows the conflict message and offers to reload', async () => {
  const token = await specialistToken('anna');
  const tag = unique('e');
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Clara', lastName: `Konflikt${tag}`, email: `${tag}@example.com`,
    address: { street: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
  });
  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${encodeURIComponent(customer.id)}`);
  await page.getByRole('heading', { level: 1, name: `Konflikt${tag}, Clara` }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Ort' }).inputValue(), 'Berlin');

  // A normal save first: version goes up and the form keeps working with the new version.
  await page.getByRole('textbox', { name: 'Titel' }).fill('Dr.');
  await page.getByRole('button', { name: 'Speichern' }).click();
  await page.getByText('Die Kundendaten wurden gespeichert.').waitFor();
  await page.getByText('(Version 2)').waitFor();

  // Someone else changes the customer through the API in between.
  const { data: current } = await apiCall(token, 'GET', `/customers/${encodeURIComponent(customer.id)}`);
  assert.equal(current.version, 2);
  const { id, displayName, createdAt, updatedAt, accesses, ...fields } = current;
  const other = await apiCall(token, 'PUT', `/customers/${encodeURIComponent(customer.id)}`, { ...fields, address: { ...current.address, city: 'Hamburg' } });
  assert.equal(other.status, 200, JSON.stringify(other.data));

  await page.getByRole('textbox', { name: 'Vorname' }).fill('Claudia');
  await page.getByRole('button', { name: 'Speichern' }).click();
  const conflict = page.getByText('Jemand anderes hat diesen Kunden inzwischen geändert');
  await conflict.waitFor();
  const reload = page.getByRole('button', { name: 'Aktuelle Daten laden' });
  assert.equal(await reload.evaluate((el) => el === document.activeElement), true);
  await screenshot(page, 'edit-conflict');

  // Nothing was overwritten on the server.
  const { data: after409 } = await apiCall(token, 'GET', `/customers/${encodeURIComponent(customer.id)}`);
  assert.equal(after409.firstName, 'Clara');
  assert.equal(after409.address.city, 'Hamburg');

  await reload.click();
  await page.getByText('Die aktuellen Kundendaten wurden geladen.').waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Ort' }).inputValue(), 'Hamburg');
  assert.equal(await page.getByRole('textbox', { name: 'Vorname' }).inputValue(), 'Clara');
  await page.getByRole('textbox', { name: 'Vorname' }).fill('Claudia');
  await page.getByRole('button', { name: 'Speichern' }).click();
  await page.getByText('Die Kundendaten wurden gespeichert.').waitFor();
  const { data: saved } = await apiCall(token, 'GET', `/customers/${encodeURIComponent(customer.id)}`);
  assert.equal(saved.firstName, 'Claudia');
  assert.equal(saved.address.city, 'Hamburg');
  assert.equal(saved.version, 4);
});

test('a field error on save is shown inline (malformed e-mail)', async () => {
  const token = await specialistToken('anna');
  const tag = unique('v');
  const customer = await createCustomer(token, {
    type: 'company', companyName: `Fehler ${tag} AG`, contactFirstName: 'Eva', contactLastName: 'Fehler', email: `${tag}@example.com`,
  });
  const page = await browser.newPage();
  await signIn(page, 'anna', `#/customers/${encodeURIComponent(customer.id)}`);
  await page.getByRole('heading', { level: 1, name: `Fehler ${tag} AG` }).waitFor();
  await page.getByRole('textbox', { name: 'E-Mail' }).fill('not-an-address');
  await page.getByRole('button', { name: 'Speichern' }).click();
  await page.locator('#edit-email-error').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-email');
});

test('a specialist who is not an administrator may view but not change (403)', async () => {
  const token = await specialistToken('anna');
  const tag = unique('n');
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Nora', lastName: `Nurlesen${tag}`, email: `${tag}@example.com`,
  });
  const page = await browser.newPage();
  await signIn(page, 'ben', `#/customers/${encodeURIComponent(customer.id)}`);
  await page.getByRole('heading', { level: 1, name: `Nurlesen${tag}, Nora` }).waitFor();
  await page.getByRole('textbox', { name: 'Vorname' }).fill('Nina');
  await page.getByRole('button', { name: 'Speichern' }).click();
  await page.getByText('Sie dürfen diesen Kunden sehen, aber nicht ändern.').waitFor();
  const { data } = await apiCall(token, 'GET', `/customers/${encodeURIComponent(customer.id)}`);
  assert.equal(data.firstName, 'Nora');
});
