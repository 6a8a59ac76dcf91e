// One end user (one e-mail address) at two customers: the second invitation is accepted with
// the existing password, the end-user page switches between the customers and keeps the choice
// valid when the list changes; an identity without an active access sees the empty state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startBrowser, screenshot, unique, apiCall, specialistToken, createCustomer, createTransaction,
  lastMessage, messagesTo, registrationLink, smsCode, registerByApi, signInEndUser,
} from './helpers.mjs';

const PASSWORD = 'ein-sehr-langes-Passwort-42';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

async function deleteCustomer(token, id) {
  const { status, data } = await apiCall(token, 'DELETE', `/customers/${encodeURIComponent(id)}`);
  assert.equal(status, 204, `DELETE /customers: ${status} ${JSON.stringify(data)}`);
}

/** The first registration of the address, through the registration page (new password, SMS code). */
async function registerFirst(page, customer, email) {
  await page.goto(registrationLink((await lastMessage('email', email)).body));
  await page.getByRole('heading', { level: 2, name: `Zugang für ${customer.displayName}` }).waitFor();
  await page.getByRole('textbox', { name: 'Registrierungscode aus der SMS' })
    .fill(smsCode((await lastMessage('sms', customer.mobile)).body));
  await page.getByLabel('Passwort', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Passwort wiederholen').fill(PASSWORD);
  await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Registrierung abgeschlossen' }).waitFor();
}

/** The second invitation: existing-account wording, a wrong password inline, then the right one. */
async function acceptWithExistingPassword(page, customer, link) {
  await page.goto(link);
  await page.getByRole('heading', { level: 2, name: `Zugang für ${customer.displayName}` }).waitFor();
  await page.getByText('Sie haben bereits ein Konto. Melden Sie sich mit Ihrem bestehenden Passwort an, um den Zugang anzunehmen.').waitFor();
  const password = page.getByLabel('Ihr bestehendes Passwort');
  assert.equal(await password.getAttribute('autocomplete'), 'current-password');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-password');
  // No new password: no repetition, no rules to follow as one types.
  assert.equal(await page.getByLabel('Passwort wiederholen').count(), 0);
  assert.equal(await page.locator('#reg-password-live').count(), 0);
  assert.equal(await page.getByText('Mindestens 15 Zeichen').count(), 0);
  await screenshot(page, 'register-existing-account');

  await password.fill('falsches-Passwort');
  await page.getByRole('button', { name: 'Zugang annehmen' }).click();
  await page.locator('#reg-password-error').getByText('Das Passwort ist nicht richtig.', { exact: false }).waitFor();
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-password');

  await password.fill(PASSWORD);
  await page.getByRole('button', { name: 'Zugang annehmen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Zugang hinzugefügt' }).waitFor();
  await page.getByText(`Der Zugang für ${customer.displayName} wurde Ihrem Konto hinzugefügt.`, { exact: false }).waitFor();
}

/** The option labels of the customer switcher, and the chosen customer's id. */
async function switcherState(page) {
  return page.evaluate(() => {
    const select = document.getElementById('me-customer-select');
    return { labels: [...select.options].map((o) => o.textContent), value: select.value };
  });
}

test('one address at two customers: accept with the existing password, switch between the customers', async () => {
  const token = await specialistToken('anna');
  const tag = unique('m');
  const email = `${tag}@example.com`;
  const alpha = await createCustomer(token, {
    type: 'person', firstName: 'Mia', lastName: `Alpha${tag}`, email, mobile: '0172 3456789',
  });
  await createTransaction(token, alpha.id, `Einkommensteuer ${tag}`);
  const page = await browser.newPage();
  await registerFirst(page, alpha, email);

  // The managing director of her company: the same address at a second customer.
  const beta = await createCustomer(token, {
    type: 'company', companyName: `Beta${tag} GmbH`, legalForm: 'GmbH', contactFirstName: 'Mia',
    contactLastName: `Alpha${tag}`, email,
  });
  await createTransaction(token, beta.id, `Lohnabrechnung ${tag}`);
  const mail = (await messagesTo('email', email, 2))[1];
  assert.match(mail.body, /mit Ihrem bestehenden Passwort/, 'the invitation says to use the existing password');
  await acceptWithExistingPassword(page, beta, registrationLink(mail.body));

  // The end-user page: one switcher for both customers, the first (by name) chosen.
  await page.getByRole('link', { name: 'Zur Anmeldung' }).click();
  await signInEndUser(page, email, PASSWORD);
  const switcher = page.getByRole('combobox', { name: 'Mandant' });
  await switcher.waitFor();
  assert.deepEqual(await switcherState(page), { labels: [alpha.displayName, beta.displayName], value: alpha.id });
  await page.locator('#me-customer').getByText(alpha.displayName).waitFor();
  await page.getByText(`Einkommensteuer ${tag}`).waitFor();
  assert.equal(await page.getByText(`Lohnabrechnung ${tag}`).count(), 0);

  // Switching asks the server for that customer's transactions only.
  const filtered = page.waitForRequest((r) => r.url().endsWith(`/me/transactions?customerId=${encodeURIComponent(beta.id)}`));
  await switcher.selectOption(beta.id);
  await filtered;
  await page.getByText(`Lohnabrechnung ${tag}`).waitFor();
  await page.locator('#me-customer').getByText(beta.displayName).waitFor();
  assert.equal(await page.getByText(`Einkommensteuer ${tag}`).count(), 0);
  await screenshot(page, 'me-customer-switcher');

  // The choice lasts for the session.
  await page.reload();
  await page.getByText(`Lohnabrechnung ${tag}`).waitFor();
  assert.equal((await switcherState(page)).value, beta.id);

  // Keyboard: the switcher is reached with Tab and changed with the arrow keys.
  await switcher.focus();
  await page.keyboard.press('ArrowUp');
  await page.getByText(`Einkommensteuer ${tag}`).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'me-customer-select');

  // English labels.
  await page.getByRole('combobox', { name: 'Sprache', exact: true }).selectOption('en');
  await page.getByRole('combobox', { name: 'Client' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'My business transactions' }).waitFor();
  await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('de');

  // The second customer goes while the page is open: choosing it reads the list again, and
  // with one customer left there is no switcher.
  await deleteCustomer(token, beta.id);
  await switcher.selectOption(beta.id);
  await switcher.waitFor({ state: 'detached' });
  await page.getByText('Ihr Zugang bei diesem Mandanten besteht nicht mehr.', { exact: false }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'title');
  await page.locator('#me-customer').getByText(alpha.displayName).waitFor();
  await page.getByText(`Einkommensteuer ${tag}`).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('dap.enduser.customer')), alpha.id);
});

test('an identity whose other access is still invited sees that no access is active yet', async () => {
  const token = await specialistToken('anna');
  const tag = unique('e');
  const email = `${tag}@example.com`;
  const first = await createCustomer(token, { type: 'person', firstName: 'Emil', lastName: `Erst${tag}`, email });
  await registerByApi(email, PASSWORD);
  await createCustomer(token, { type: 'person', firstName: 'Emil', lastName: `Zweit${tag}`, email });
  // The active access goes; the invited one keeps the sign-in.
  await deleteCustomer(token, first.id);

  const page = await browser.newPage();
  await signInEndUser(page, email, PASSWORD);
  await page.getByText('Noch kein aktiver Zugang – bitte schließen Sie die Registrierung über den Link in Ihrer Einladung ab.').waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Mandant' }).count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Meine Geschäftsvorfälle' }).count(), 0);
  await screenshot(page, 'me-no-active-access');

  // Accepting the invitation (existing sign-in, its password) makes the page show that customer.
  await registerByApi(email, PASSWORD);
  await page.reload();
  await page.locator('#me-customer').getByText(`Zweit${tag}, Emil`).waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Mandant' }).count(), 0);
});
