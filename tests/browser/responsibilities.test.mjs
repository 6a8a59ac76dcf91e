// Responsibilities screen: a platform admin picks a specialist who leaves, sees the customers
// they are responsible for (as administrator and as processor of a transaction), hands
// everything over to another specialist and follows the progress until done, after which the
// leaver's list is empty; a specialist sees its own responsibilities.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer, createTransaction,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

/** A new specialist in the directory with two of anna's customers: administrator of one,
 * processor of a transaction of the other. */
async function leaver(tag) {
  const root = await specialistToken('root');
  const anna = await specialistToken('anna');
  const id = `leaver-${tag}`;
  const put = await apiCall(root, 'PUT', `/specialists/${id}`, { name: `Lea Leaver ${tag}`, email: `${tag}@kanzlei.example.com` });
  assert.equal(put.status, 200);
  const person = (last) => ({ type: 'person', firstName: 'Lina', lastName: `${last}${tag}`, email: `${last}-${tag}@example.com` });
  const a = await createCustomer(anna, person('Alpha'));
  const b = await createCustomer(anna, person('Beta'));
  const added = await apiCall(anna, 'POST', `/customers/${a.id}/administrators`, { specialistIds: [id] });
  assert.equal(added.status, 200);
  const t = await createTransaction(anna, b.id, 'Jahresabschluss 2025');
  const proc = await apiCall(anna, 'POST', `/customers/${b.id}/additional-processors`, { specialistIds: [id], transactionIds: [t.id] });
  assert.equal(proc.status, 200);
  return { id, name: `Lea Leaver ${tag}` };
}

test('a platform admin hands everything of a leaver over and follows it until done', async () => {
  const tag = unique('ho');
  const who = await leaver(tag);
  const page = await browser.newPage();
  await signIn(page, 'root', '#/responsibilities');
  await page.getByRole('heading', { level: 1, name: 'Zuständigkeiten' }).waitFor();
  await page.getByLabel('Spezialist').selectOption(who.id);
  const rows = page.locator('#responsibilities-list tbody tr');
  // The first specialist's list shows until the leaver's replaces it: anna's holds these too.
  await page.waitForFunction(() => document.querySelectorAll('#responsibilities-list tbody tr').length === 2);
  await page.getByRole('link', { name: `Alpha${tag}, Lina` }).waitFor();
  assert.deepEqual(await rows.locator('td:nth-child(2)').allTextContents(),
    ['Administrator', 'Bearbeiter von Jahresabschluss 2025']);
  await page.getByLabel('Übergeben an').selectOption('ben');
  await screenshot(page, 'responsibilities-before-handover');
  await page.getByRole('button', { name: 'Alles übergeben' }).click();
  await page.getByText('Fertig: 2 von 2 Mandanten übergeben.').waitFor();
  await page.locator('#responsibilities-empty').waitFor();
  await screenshot(page, 'responsibilities-handed-over');

  const root = await specialistToken('root');
  const { data } = await apiCall(root, 'GET', `/specialists/${who.id}/responsibilities`);
  assert.deepEqual(data.items, []);
  const gone = await apiCall(root, 'DELETE', `/specialists/${who.id}`);
  assert.equal(gone.status, 204);
});

test('a specialist sees its own responsibilities, in English too', async () => {
  const tag = unique('own');
  const anna = await specialistToken('anna');
  await createCustomer(anna, { type: 'company', companyName: `Eigen ${tag} GmbH`, contactFirstName: 'Olga', contactLastName: 'Own', email: `${tag}@example.com` });
  const page = await browser.newPage();
  await signIn(page, 'anna', '#/responsibilities');
  await page.getByRole('link', { name: `Eigen ${tag} GmbH` }).waitFor();
  assert.equal(await page.getByLabel('Übergeben an').count(), 0, 'no handover for a specialist');
  await page.locator('#lang-select').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Responsibilities' }).waitFor();
  await screenshot(page, 'responsibilities-own-en');
});
