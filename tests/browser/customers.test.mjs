// Creating customers: a person and a company, mandatory fields checked by the API and shown
// inline, the overview with search and type filter, the phone layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, screenshot, unique, signIn, apiCall, specialistToken,
} from './helpers.mjs';

let browser;

/** Waits until the overview table shows exactly these names, in this order. */
async function rowsAre(page, names) {
  await page.waitForFunction(
    (expected) => JSON.stringify([...document.querySelectorAll('.list-table tbody tr td:first-child')]
      .map((td) => td.textContent.trim())) === JSON.stringify(expected),
    names,
  );
}
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

test('create a person: missing first name is shown inline, then the customer is created', async () => {
  const page = await browser.newPage();
  const tag = unique('p');
  await signIn(page, 'anna');
  await page.getByRole('link', { name: 'Kunden anlegen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Kunden anlegen' }).waitFor();

  // Person is the default type; mandatory fields are marked.
  assert.equal(await page.locator('#new-type-person').isChecked(), true);
  assert.equal(await page.locator('#new-firstName').getAttribute('aria-required'), 'true');
  assert.equal(await page.locator('#new-companyName').isVisible(), false);

  await page.getByRole('combobox', { name: 'Anrede' }).selectOption('ms');
  await page.getByRole('textbox', { name: 'Nachname', exact: true }).fill(`Muster${tag}`);
  await page.getByRole('textbox', { name: 'E-Mail', exact: true }).fill(`${tag}@example.com`);
  await page.getByRole('textbox', { name: 'Mobilnummer', exact: true }).fill('0170 1234567');
  await page.getByRole('textbox', { name: 'Postleitzahl', exact: true }).fill('10115');
  await page.getByRole('button', { name: 'Kunden anlegen' }).click();

  // The API's 422 names firstName: the error sits next to the field, which gets the focus.
  const error = page.locator('#new-firstName-error');
  await error.waitFor({ state: 'visible' });
  assert.notEqual((await error.textContent()).trim(), '');
  assert.equal(await page.locator('#new-firstName').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'new-firstName');
  // A partial address: the errors for nested fields (address.street, ...) sit next to them.
  await page.locator('#new-address-street-error').waitFor({ state: 'visible' });
  await screenshot(page, 'create-person-mandatory-field');

  await page.getByRole('textbox', { name: 'Vorname', exact: true }).fill('Erika');
  await page.getByRole('textbox', { name: 'Straße und Hausnummer' }).fill('Hauptstr. 1');
  await page.getByRole('textbox', { name: 'Ort' }).fill('Berlin');
  await page.getByRole('textbox', { name: 'Land' }).fill('de');
  await page.getByRole('button', { name: 'Kunden anlegen' }).click();
  await page.getByRole('heading', { level: 1, name: `Muster${tag}, Erika` }).waitFor();
  await page.getByText('wurde angelegt').waitFor();
  assert.equal(await page.locator('#edit-firstName').inputValue(), 'Erika');
  // The mobile number comes back normalised to E.164.
  assert.equal(await page.locator('#edit-mobile').inputValue(), '+491701234567');
  assert.equal(await page.locator('#edit-address-country').inputValue(), 'DE');
});

test('create a company: contact name is mandatory, company appears in the overview', async () => {
  const page = await browser.newPage();
  const tag = unique('c');
  await signIn(page, 'anna', '#/customers/new');
  await page.getByRole('heading', { level: 1, name: 'Kunden anlegen' }).waitFor();
  await page.getByRole('radio', { name: 'Unternehmen' }).check();
  assert.equal(await page.locator('#new-firstName').isVisible(), false);
  await page.getByRole('textbox', { name: 'Firmenname', exact: true }).fill(`Acme ${tag} GmbH`);
  await page.getByRole('textbox', { name: 'Rechtsform', exact: true }).fill('GmbH');
  await page.getByRole('textbox', { name: 'Vorname Ansprechpartner', exact: true }).fill('Max');
  await page.getByRole('textbox', { name: 'E-Mail', exact: true }).fill(`${tag}@example.com`);
  await page.getByRole('button', { name: 'Kunden anlegen' }).click();

  const error = page.locator('#new-contactLastName-error');
  await error.waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'new-contactLastName');
  assert.equal(await page.locator('#new-firstName-error').isVisible(), false);

  await page.getByRole('textbox', { name: 'Nachname Ansprechpartner', exact: true }).fill('Mustermann');
  await page.getByRole('button', { name: 'Kunden anlegen' }).click();
  await page.getByRole('heading', { level: 1, name: `Acme ${tag} GmbH` }).waitFor();

  // Overview: search as you type, type filter.
  await page.getByRole('link', { name: 'Kundenübersicht' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Kundenübersicht' }).waitFor();
  await page.getByRole('searchbox', { name: 'Suche', exact: true }).fill(`acme ${tag}`);
  const row = page.getByRole('row').filter({ hasText: `Acme ${tag} GmbH` });
  await row.waitFor();
  assert.match(await row.textContent(), /Unternehmen/);
  await page.getByRole('combobox', { name: 'Kundentyp' }).selectOption('person');
  await page.getByText('Keine Kunden gefunden.').waitFor();
  await page.getByRole('combobox', { name: 'Kundentyp' }).selectOption('company');
  await row.waitFor();
  await screenshot(page, 'customer-overview');
});

test('overview pages with nextCursor and works on a 375px phone screen', async () => {
  const token = await specialistToken('anna');
  const tag = unique('pg');
  for (const n of [1, 2, 3]) {
    const { status } = await apiCall(token, 'POST', '/customers', {
      type: 'person', firstName: `Nr${n}`, lastName: `Paging${tag}`, email: `${tag}-${n}@example.com`,
    });
    assert.equal(status, 201);
  }
  const page = await browser.newPage();
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page, 'anna');
  await page.getByRole('combobox', { name: 'Pro Seite' }).selectOption('10');
  await page.getByRole('searchbox', { name: 'Suche', exact: true }).fill(`Paging${tag}`);
  await rowsAre(page, [`Paging${tag}, Nr1`, `Paging${tag}, Nr2`, `Paging${tag}, Nr3`]);
  // Nothing sticks out sideways on a phone.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
  await screenshot(page, 'customer-overview-phone');

  // Paging: the API's limit is honoured through the cursor.
  const { data } = await apiCall(token, 'GET', `/customers?q=${encodeURIComponent(`Paging${tag}`)}&limit=2`);
  assert.equal(data.items.length, 2);
  assert.ok(data.nextCursor, 'nextCursor for the second page');
  await page.evaluate(() => { document.querySelector('#overview-limit').innerHTML += '<option value="2">2</option>'; });
  await page.getByRole('combobox', { name: 'Pro Seite' }).selectOption('2');
  await rowsAre(page, [`Paging${tag}, Nr1`, `Paging${tag}, Nr2`]);
  await page.getByText('Seite 1').waitFor();
  await page.getByRole('button', { name: 'Nächste Seite' }).click();
  await rowsAre(page, [`Paging${tag}, Nr3`]);
  await page.getByText('Seite 2').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Nächste Seite' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Vorherige Seite' }).click();
  await rowsAre(page, [`Paging${tag}, Nr1`, `Paging${tag}, Nr2`]);
});

test('a lost answer: retrying the same submission reuses the Idempotency-Key, no duplicate', async () => {
  const page = await browser.newPage();
  const tag = unique('i');
  await signIn(page, 'anna', '#/customers/new');
  await page.getByRole('heading', { level: 1, name: 'Kunden anlegen' }).waitFor();
  const keys = [];
  let first = true;
  await page.route((url) => url.pathname === '/customers', async (route) => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    keys.push(req.headers()['idempotency-key']);
    if (first) {
      // The server creates the customer, but the answer never reaches the browser.
      first = false;
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await page.getByRole('textbox', { name: 'Vorname', exact: true }).fill('Ida');
  await page.getByRole('textbox', { name: 'Nachname', exact: true }).fill(`Einmal${tag}`);
  await page.getByRole('textbox', { name: 'E-Mail', exact: true }).fill(`${tag}@example.com`);
  await page.getByRole('button', { name: 'Kunden anlegen' }).click();
  await page.getByText('Der Server ist nicht erreichbar.').waitFor();
  await page.getByRole('button', { name: 'Kunden anlegen' }).click();
  await page.getByRole('heading', { level: 1, name: `Einmal${tag}, Ida` }).waitFor();

  assert.equal(keys.length, 2);
  assert.match(keys[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(keys[1], keys[0], 'the retry sends the same key');
  const token = await specialistToken('anna');
  const { data } = await apiCall(token, 'GET', `/customers?q=${encodeURIComponent(`Einmal${tag}`)}`);
  assert.equal(data.items.length, 1, 'exactly one customer was created');
});
