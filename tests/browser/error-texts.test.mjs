// Errors people can act on, in their own language (API contract v3, error codes): in German and
// in English, the customer form shows a specific text for three server-side refusals, next to
// each field and in a summary that links to it; the import's error table shows the same texts
// under the file's column names, and says what to do with a workbook uploaded instead of a
// CSV; the registration page says that a password is too common; the end-user page's sign-in
// names the fields left empty the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, startBrowser, screenshot, unique, signIn, specialistToken, createCustomer,
  lastMessage, registrationLink,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

const TEXTS = {
  de: {
    add: 'Kunden anlegen', firstName: 'Vorname', lastName: 'Nachname', email: 'E-Mail', mobile: 'Mobilnummer',
    invisible: 'Der Name enthält unsichtbare Zeichen.',
    tooLong: 'Höchstens 100 Zeichen.',
    sms: 'Für Mobilnummern aus diesem Land werden keine SMS versendet (erlaubt: DE, AT, CH).',
    importTitle: 'Kunden importieren',
    required: 'Bitte ausfüllen.',
    unknownColumn: 'Unbekannte Spalte. Erlaubt sind:',
    notCsv: 'Die Datei ist keine CSV-Datei (sondern zum Beispiel eine Excel-Mappe).',
    fileRefused: 'Die Datei hat Fehler; es wurde nichts importiert.',
    common: 'Dieses Passwort ist zu verbreitet.',
    password: 'Passwort', repeat: 'Passwort wiederholen', submit: 'Registrierung abschließen',
    signIn: 'Anmelden', column: 'Spalte',
  },
  en: {
    add: 'Add customer', firstName: 'First name', lastName: 'Last name', email: 'E-mail', mobile: 'Mobile number',
    invisible: 'The name contains invisible characters.',
    tooLong: 'At most 100 characters.',
    sms: 'Text messages are not sent to mobile numbers of this country (allowed: DE, AT, CH).',
    importTitle: 'Import customers',
    required: 'Please fill in.',
    unknownColumn: 'Unknown column. Allowed are:',
    notCsv: 'The file is not a CSV file (but an Excel workbook, for example).',
    fileRefused: 'The file has errors; nothing was imported.',
    common: 'This password is too common.',
    password: 'Password', repeat: 'Repeat password', submit: 'Complete registration',
    signIn: 'Sign in', column: 'Column',
  },
};

/** A page whose registration page starts in `lang`. */
async function pageIn(lang) {
  const page = await browser.newPage();
  // The console's sign-in page in German, whatever an earlier test chose.
  await page.addInitScript((l) => {
    localStorage.setItem('dap.lang', 'de');
    localStorage.setItem('dap.lang.enduser', l);
  }, lang);
  return page;
}

/** Signs in to the console (German sign-in page) at `hash`, then switches to `lang`. */
async function consoleIn(page, lang, hash) {
  await signIn(page, 'anna', hash);
  if (lang !== 'de') await page.getByRole('combobox', { name: 'Sprache', exact: true }).selectOption(lang);
}

for (const lang of ['de', 'en']) {
  const x = TEXTS[lang];

  test(`customer form (${lang}): three refusals of the server, each with its own text, linked from the summary`, async () => {
    const page = await pageIn(lang);
    await consoleIn(page, lang, '#/customers/new');
    await page.getByRole('heading', { level: 1, name: x.add }).waitFor();
    await page.getByRole('textbox', { name: x.firstName, exact: true }).fill('\u200B\u200B');
    await page.getByRole('textbox', { name: x.lastName, exact: true }).fill('M'.repeat(101));
    await page.getByRole('textbox', { name: x.email, exact: true }).fill(`${unique('codes')}@example.com`);
    await page.getByRole('textbox', { name: x.mobile, exact: true }).fill('+33 6 12 34 56 78');
    await page.getByRole('button', { name: x.add }).click();

    const error = (name) => page.locator(`#new-${name}-error`);
    await error('firstName').getByText(x.invisible).waitFor();
    assert.equal((await error('lastName').textContent()).trim(), x.tooLong);
    assert.equal((await error('mobile').textContent()).trim(), x.sms);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'new-firstName');
    // The summary is an alert, and each of its entries links to its field.
    const summary = page.locator('[role="alert"] .error-summary');
    await summary.getByText(x.sms).waitFor();
    assert.equal(await summary.locator('a').count(), 3);
    await summary.getByRole('link', { name: new RegExp(x.mobile) }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'new-mobile');
    await screenshot(page, `error-codes-customer-${lang}`);
    await page.close();
  });

  test(`import (${lang}): the error table in the console's language, columns as the file names them`, async () => {
    const page = await pageIn(lang);
    const tag = unique('impc');
    await consoleIn(page, lang, '#/imports');
    await page.getByRole('heading', { level: 1, name: x.importTitle }).waitFor();
    const file = `type;firstName;lastName;email;postalCode;city;street;country\r\nperson;Ina;;${tag}@example.com;;;;\r\n`;
    await page.setInputFiles('#import-file', { name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    const row = page.locator('#import-errors tbody tr');
    await row.first().waitFor();
    assert.deepEqual(await row.first().locator('td').allTextContents(), ['1', 'lastName', x.required]);
    // The table's heading says it: the second cell names the file's column.
    await page.locator('#import-errors thead').getByText(x.column, { exact: true }).waitFor();

    const header = `type;email;farbe\r\nperson;${tag}-2@example.com;rot\r\n`;
    await page.setInputFiles('#import-file', { name: 'kunden2.csv', mimeType: 'text/csv', buffer: Buffer.from(header) });
    await page.locator('#import-errors').getByText(x.unknownColumn).waitFor();
    await screenshot(page, `error-codes-import-${lang}`);

    // The workbook itself instead of its CSV: refused as a whole file, with what to do.
    const workbook = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0, 8, 0, 0, 0, 0x21, 0]);
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await page.setInputFiles('#import-file', { name: 'kunden.xlsx', mimeType: xlsx, buffer: workbook });
    await page.locator('#import-errors').getByText(x.notCsv).waitFor();
    // The message above says the same in the page's language: no English of the server's.
    await page.getByText(x.fileRefused).waitFor();
    assert.equal(await page.getByText('error(s) in the file').count(), 0);
    await screenshot(page, `error-codes-import-workbook-${lang}`);
    await page.close();
  });

  test(`registration (${lang}): a common password is refused with its own text`, async () => {
    const email = `${unique('pw')}@example.com`;
    await createCustomer(await specialistToken('anna'), {
      type: 'person', firstName: 'Erika', lastName: 'Muster', email, language: lang,
    });
    const link = registrationLink((await lastMessage('email', email)).body);
    const page = await pageIn(lang);
    await page.goto(link);
    const password = page.getByLabel(x.password, { exact: true });
    await password.waitFor();
    await password.fill('passwordpassword');
    await page.getByLabel(x.repeat, { exact: true }).fill('passwordpassword');
    await page.getByRole('button', { name: x.submit }).click();
    await page.locator('#reg-password-error').getByText(x.common).waitFor();
    await page.locator('[role="alert"] .error-summary').getByText(x.common).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-password');
    await screenshot(page, `error-codes-register-${lang}`);
    await page.close();
  });

  test(`end-user page (${lang}): an empty sign-in names both fields, linked from the summary`, async () => {
    const page = await pageIn(lang);
    await page.goto(`${BASE_URL}/me.html`);
    await page.getByRole('button', { name: x.signIn }).click();
    await page.locator('#me-email-error').getByText(x.required).waitFor();
    await page.locator('#me-password-error').getByText(x.required).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'me-email');
    const summary = page.locator('[role="alert"] .error-summary');
    assert.equal(await summary.locator('a').count(), 2);
    await summary.getByRole('link', { name: new RegExp(x.password) }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'me-password');
    await screenshot(page, `error-codes-me-${lang}`);
    await page.close();
  });
}
