// German by default, English on request, the choice is remembered; sign-out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, startBrowser, screenshot, signIn } from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

test('switch to English, keep it after reload, sign out', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/`);
  await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  await signIn(page, 'ben');
  await page.getByRole('heading', { level: 1, name: 'Kundenübersicht' }).waitFor();

  await page.getByRole('combobox', { name: 'Sprache', exact: true }).selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Customer overview' }).waitFor();
  await page.getByRole('link', { name: 'Add customer' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Customer overview' }).waitFor();

  await page.getByRole('link', { name: 'Add customer' }).click();
  await page.getByRole('textbox', { name: 'First name' }).waitFor();
  await page.getByRole('radio', { name: 'Company' }).check();
  await page.getByRole('textbox', { name: 'Company name' }).fill('Lang Test');
  await page.getByRole('button', { name: 'Add customer' }).click();
  await page.getByText('Please correct the').waitFor();
  // Switching the language keeps what was typed and translates the messages.
  await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('de');
  await page.getByText('Bitte korrigieren Sie die').waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Firmenname' }).inputValue(), 'Lang Test');
  await page.getByRole('combobox', { name: 'Sprache', exact: true }).selectOption('en');
  await screenshot(page, 'create-company-english');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByText('You have been signed out.').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('dap.console.token')), null);
  await page.evaluate(() => localStorage.removeItem('dap.lang'));
});

test('keyboard only: the skip link keeps the route, signing in works with the keyboard', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/#/customers`);
  await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  assert.equal(new URL(page.url()).hash, '#/customers');

  await page.locator('#signin-anna').focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#signin-ben').isChecked(), true);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByText(/Angemeldet als Ben/).waitFor();
  // Focus moves to the new screen's heading, and the focus ring is visible.
  await page.getByRole('link', { name: 'Kunden anlegen' }).focus();
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
});
