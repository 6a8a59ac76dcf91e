// Import screen: a file with one bad row shows the error by row and field, the corrected file
// imports, and the progress reaches 100 %.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, screenshot, unique, signIn, apiCall, specialistToken } from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

function csv(tag, lastNameOfRow2) {
  return [
    'type;firstName;lastName;email',
    `person;Ida;Import${tag};${tag}-1@example.com`,
    `person;Ina;${lastNameOfRow2};${tag}-2@example.com`,
    `person;Ivo;Import${tag};${tag}-3@example.com`,
  ].join('\r\n') + '\r\n';
}

test('a bad row is shown by row and field, the corrected file imports to 100 %', async () => {
  const tag = unique('imp');
  const page = await browser.newPage();
  await signIn(page, 'anna', '#/imports');
  await page.getByRole('heading', { level: 1, name: 'Kunden importieren' }).waitFor();

  await page.setInputFiles('#import-file', {
    name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(tag, '')),
  });
  await page.getByText('2 von 3 Zeilen sind gültig').waitFor();
  const row = page.locator('#import-errors tbody tr');
  assert.equal(await row.count(), 1);
  assert.deepEqual(await row.locator('td').allTextContents(), ['2', 'lastName', 'is required']);
  assert.equal(await page.getByRole('button', { name: 'Import starten' }).isDisabled(), true);
  const download = page.waitForEvent('download');
  await page.locator('#import-failed').click();
  const failed = await (await download).createReadStream();
  let text = '';
  for await (const chunk of failed) text += chunk;
  assert.equal(text, `type;firstName;lastName;email\r\nperson;Ina;;${tag}-2@example.com\r\n`);
  await screenshot(page, 'import-errors');

  await page.setInputFiles('#import-file', {
    name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(tag, `Import${tag}`)),
  });
  await page.getByText('Alle 3 Zeilen sind gültig').waitFor();
  await page.getByRole('button', { name: 'Import starten' }).click();
  await page.getByText('Fertig (100 %): 3 angelegt, 0 fehlgeschlagen von 3').waitFor();
  assert.equal(await page.locator('#import-bar').evaluate((el) => el.value), 100);
  await screenshot(page, 'import-done');

  const token = await specialistToken('anna');
  const { data } = await apiCall(token, 'GET', `/customers?q=Import${tag}&limit=10`);
  assert.equal(data.items.length, 3);
});
