// End-user registration from the outbox: the e-mail's /register#token=... link and the SMS
// code, then signing in as the end user; an address with a sign-in accepts a further access
// with its existing password, wrong passwords counting like wrong codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL, startBrowser, screenshot, unique, signIn, apiCall, specialistToken, createCustomer,
  createTransaction, lastMessage, messagesTo, registrationLink, smsCode, registerByApi,
} from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

test('register an end user with link and SMS code, then sign in as the end user', async () => {
  const token = await specialistToken('anna');
  const tag = unique('r');
  const email = `${tag}@example.com`;
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Rita', lastName: `Register${tag}`, email, mobile: '0171 2345678', language: 'en',
  });
  await createTransaction(token, customer.id, 'Steuererklärung 2024');
  const mail = await lastMessage('email', email);
  const sms = await lastMessage('sms', customer.mobile);
  const link = registrationLink(mail.body);
  const code = smsCode(sms.body);
  assert.match(code, /^[A-HJ-KM-NP-Z2-9]{4}-[A-HJ-KM-NP-Z2-9]{4}$/, 'code uses no ambiguous characters');

  const page = await browser.newPage();
  await page.goto(link);
  // The invitation's language (en) is used for the page.
  await page.getByRole('heading', { level: 1, name: 'Registration' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  // The page names the customer the access is for.
  await page.getByRole('heading', { level: 2, name: `Access for Register${tag}, Rita` }).waitFor();
  const codeInput = page.getByRole('textbox', { name: 'Registration code from the text message' });
  await codeInput.waitFor();
  await page.getByText('Format: XXXX-XXXX').waitFor();
  // The user switches to German: the page follows.
  await page.getByRole('combobox', { name: 'Language', exact: true }).selectOption('de');
  await page.getByRole('heading', { level: 1, name: 'Registrierung' }).waitFor();

  const password = 'ein-sehr-langes-Passwort-42';
  // A password that is too short is refused next to the field.
  await page.getByRole('textbox', { name: 'Registrierungscode aus der SMS' }).fill(code);
  await page.getByLabel('Passwort', { exact: true }).fill('kurz');
  await page.getByLabel('Passwort wiederholen').fill('kurz');
  await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
  await page.locator('#reg-password-error').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-password');
  // The live hint under the field counts what is missing, in characters.
  await page.locator('#reg-password-live').getByText('Noch 11 Zeichen.').waitFor();

  // A common password is long enough for the page, and the API refuses it next to the field.
  await page.getByLabel('Passwort', { exact: true }).fill('PasswordPassword');
  await page.getByLabel('Passwort wiederholen').fill('PasswordPassword');
  await page.locator('#reg-password-live').getByText('Lang genug.', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
  await page.locator('#reg-password-error').getByText('Dieses Passwort ist zu verbreitet.').waitFor();
  await screenshot(page, 'registration-common-password');

  // A wrong code: the API's 422 is shown next to the code field.
  const wrong = code[0] === 'A' ? `B${code.slice(1)}` : `A${code.slice(1)}`;
  await page.getByRole('textbox', { name: 'Registrierungscode aus der SMS' }).fill(wrong);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await page.getByLabel('Passwort wiederholen').fill(password);
  await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
  await page.locator('#reg-smsCode-error').waitFor({ state: 'visible' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'reg-smsCode');
  await screenshot(page, 'registration-wrong-code');

  // The right code, typed in lower case and without the hyphen, is accepted.
  await page.getByRole('textbox', { name: 'Registrierungscode aus der SMS' }).fill(code.replace('-', ' ').toLowerCase());
  await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
  await page.getByRole('heading', { level: 1, name: 'Registrierung abgeschlossen' }).waitFor();
  await page.getByText('Ihr Zugang ist aktiv.').waitFor();
  await screenshot(page, 'registration-done');

  // The link works once: opening it again says it is used up.
  const again = await browser.newPage();
  await again.goto(link);
  await again.getByText('abgelaufen, wurde bereits verwendet oder wurde widerrufen').waitFor();
  await again.close();

  // End-user page: sign in with e-mail and password, see the own customer and transactions.
  await page.getByRole('link', { name: 'Zur Anmeldung' }).click();
  await page.getByRole('heading', { level: 1, name: 'Anmelden' }).waitFor();
  await page.getByRole('textbox', { name: 'E-Mail' }).fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill('falsches-Passwort-123');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByText('E-Mail-Adresse oder Passwort ist falsch.').waitFor();
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mein Zugang' }).waitFor();
  await page.locator('#me-customer').getByText(`Register${tag}, Rita`).waitFor();
  await page.getByText('Steuererklärung 2024').waitFor();
  // One customer: no switcher between customers.
  assert.equal(await page.getByRole('combobox', { name: 'Mandant' }).count(), 0);
  await screenshot(page, 'end-user');

  // The console shows the access as active.
  const staff = await browser.newPage();
  await signIn(staff, 'anna', `#/customers/${encodeURIComponent(customer.id)}/authorisations`);
  await staff.getByText(/Aktiv seit/).waitFor();
  const { data: auths } = await apiCall(token, 'GET', `/customers/${encodeURIComponent(customer.id)}/authorisations`);
  assert.equal(auths.accesses[0].status, 'active');
});

test('registration page: unknown link and missing token', async () => {
  const page = await browser.newPage();
  await page.goto(`${BASE_URL}/register#token=${unique('nope')}AAAAAAAAAAAAAAAAAAAAAA`);
  await page.getByText('Dieser Registrierungslink ist unbekannt.').waitFor();
  // The skip link moves the focus without touching the fragment that carries the token.
  const before = page.url();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  assert.equal(page.url(), before);
  await page.goto(`${BASE_URL}/register`);
  await page.reload();
  await page.getByText('Der Link ist unvollständig.').waitFor();
});

test('too many wrong codes lock the invitation until it is resent', async () => {
  const token = await specialistToken('anna');
  const tag = unique('l');
  const email = `${tag}@example.com`;
  const customer = await createCustomer(token, {
    type: 'person', firstName: 'Lena', lastName: `Locked${tag}`, email, mobile: '0173 4567890',
  });
  const link = registrationLink((await lastMessage('email', email)).body);
  const code = smsCode((await lastMessage('sms', customer.mobile)).body);
  const wrong = code[0] === 'A' ? `B${code.slice(1)}` : `A${code.slice(1)}`;

  const page = await browser.newPage();
  await page.goto(link);
  const codeInput = page.getByRole('textbox', { name: 'Registrierungscode aus der SMS' });
  await codeInput.waitFor();
  await page.getByLabel('Passwort', { exact: true }).fill('ein-sehr-langes-Passwort-42');
  await page.getByLabel('Passwort wiederholen').fill('ein-sehr-langes-Passwort-42');
  const locked = page.getByText('Bitten Sie Ihre Beraterin oder Ihren Berater, Ihnen die Einladung erneut zu senden.');
  for (let i = 0; i < 6 && !(await locked.isVisible()); i += 1) {
    await codeInput.fill(wrong);
    await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
    await Promise.race([locked.waitFor(), page.locator('#reg-smsCode-error').waitFor({ state: 'visible' })]);
  }
  await locked.waitFor();
  await screenshot(page, 'registration-locked');
  // Even the right code does not help now.
  const again = await apiCall(null, 'POST', '/registrations/complete', { token: new URL(link).hash.slice(7), smsCode: code, password: 'ein-sehr-langes-Passwort-42' });
  assert.equal(again.status, 429);

  // The adviser resends: the new link and code work.
  const access = customer.accesses[0];
  const resend = await apiCall(token, 'POST', `/customers/${encodeURIComponent(customer.id)}/accesses/${encodeURIComponent(access.id)}/invitation`);
  assert.equal(resend.status, 202);
  const newLink = registrationLink((await lastMessage('email', email)).body);
  assert.notEqual(newLink, link);
  const newCode = smsCode((await lastMessage('sms', customer.mobile)).body);
  await page.goto(newLink);
  await codeInput.fill(newCode);
  await page.getByLabel('Passwort', { exact: true }).fill('ein-sehr-langes-Passwort-42');
  await page.getByLabel('Passwort wiederholen').fill('ein-sehr-langes-Passwort-42');
  await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
  await page.getByText('Ihr Zugang ist aktiv.').waitFor();
});

test('a rate limit asks to wait, only the locked problem says locked, and the token leaves the address bar', async () => {
  const token = await specialistToken('anna');
  const tag = unique('w');
  const email = `${tag}@example.com`;
  await createCustomer(token, { type: 'person', firstName: 'Wanda', lastName: `Wait${tag}`, email });
  const link = registrationLink((await lastMessage('email', email)).body);
  const page = await browser.newPage();
  await page.goto(link);
  const password = page.getByLabel('Passwort', { exact: true });
  await password.waitFor();
  assert.equal(new URL(page.url()).hash, '', 'the token is no longer in the address bar');
  assert.ok(!(await page.evaluate(() => window.location.href)).includes('token='));
  // A rate limit (here or at API Gateway) is a 429 of another problem type.
  await page.route('**/registrations/complete', (route) => route.fulfill({
    status: 429,
    contentType: 'application/problem+json',
    headers: { 'Retry-After': '30' },
    body: JSON.stringify({
      type: '/problems/too-many-requests', title: 'Too many requests', status: 429,
      detail: 'Too many requests from your network. Please wait a minute and try again.',
    }),
  }));
  await password.fill('ein-sehr-langes-Passwort-42');
  await page.getByLabel('Passwort wiederholen').fill('ein-sehr-langes-Passwort-42');
  await page.getByRole('button', { name: 'Registrierung abschließen' }).click();
  await page.getByText('Bitte warten Sie eine Minute und versuchen Sie es dann erneut.').waitFor();
  assert.equal(await page.getByText('Bitten Sie Ihre Beraterin oder Ihren Berater').count(), 0);
  // The form stays, so that the end user can simply try again later.
  assert.ok(await page.getByRole('button', { name: 'Registrierung abschließen' }).isEnabled());
  await screenshot(page, 'registration-rate-limited');
});

test('an address with a sign-in: wrong passwords count like wrong codes and lock the invitation', async () => {
  const token = await specialistToken('anna');
  const tag = unique('x');
  const email = `${tag}@example.com`;
  const password = 'ein-sehr-langes-Passwort-42';
  await createCustomer(token, { type: 'person', firstName: 'Xaver', lastName: `Erst${tag}`, email });
  await registerByApi(email, password);
  const second = await createCustomer(token, {
    type: 'person', firstName: 'Xaver', lastName: `Zweit${tag}`, email, mobile: '0174 5678901', language: 'en',
  });
  const mail = (await messagesTo('email', email, 2))[1];
  assert.match(mail.body, /sign in with your existing password/);
  const link = registrationLink(mail.body);
  const code = smsCode((await lastMessage('sms', second.mobile)).body);

  const page = await browser.newPage();
  await page.goto(link);
  // German, whatever the invitation's language or an earlier choice on this browser.
  await page.locator('#lang-select').selectOption('de');
  // With an SMS code: the code and the current password, nothing else.
  await page.getByText('Sie haben bereits ein Konto. Melden Sie sich mit Ihrem bestehenden Passwort an, um den Zugang anzunehmen.').waitFor();
  await page.getByRole('heading', { level: 2, name: `Zugang für Zweit${tag}, Xaver` }).waitFor();
  const codeInput = page.getByRole('textbox', { name: 'Registrierungscode aus der SMS' });
  const current = page.getByLabel('Ihr bestehendes Passwort');
  assert.equal(await page.getByLabel('Passwort wiederholen').count(), 0);
  // An empty password is caught on the page.
  await codeInput.fill(code);
  await page.getByRole('button', { name: 'Zugang annehmen' }).click();
  await page.locator('#reg-password-error').getByText('Bitte geben Sie Ihr bestehendes Passwort ein.').waitFor();

  const locked = page.getByText('zu oft ein falsches Passwort oder ein falscher Code', { exact: false });
  let wrongAnswers = 0;
  for (let i = 0; i < 6 && !(await locked.isVisible()); i += 1) {
    await current.fill(`falsches-Passwort-${i}`);
    await page.getByRole('button', { name: 'Zugang annehmen' }).click();
    await Promise.race([locked.waitFor(), page.locator('#reg-password-error').getByText('nicht richtig', { exact: false }).waitFor()]);
    wrongAnswers += 1;
  }
  await locked.waitFor();
  assert.equal(wrongAnswers, 5, 'the fifth wrong password locks');
  await screenshot(page, 'registration-existing-locked');
  // Even the right password does not help now.
  const again = await apiCall(null, 'POST', '/registrations/complete', {
    token: new URL(link).hash.replace(/^#token=/, ''), smsCode: code, password,
  });
  assert.equal(again.status, 429);
});
