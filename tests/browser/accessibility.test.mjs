// Accessibility guard: axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules on every screen of the
// console, the registration page and the end-user page, and on the error states of the
// customer form, the import and the registration, in German and English, at desktop and at
// phone width. Any violation fails, named by rule, screen, language and width.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  startBrowser, unique, signIn, specialistToken, createCustomer, createTransaction,
  lastMessage, registrationLink, registerByApi, signInEndUser, BASE_URL,
} from './helpers.mjs';

// Evaluated, not added as a script tag: the pages' Content-Security-Policy allows no inline
// script, and the check must not weaken it.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const PASSWORD = 'ein-sicheres-Passwort-fuer-axe';

/** A customer of anna's with a transaction, an invitation still open and an end user who
 * registered at another of her customers. */
async function world() {
  const tag = unique('axe');
  const anna = await specialistToken('anna');
  const customer = await createCustomer(anna, {
    type: 'person', firstName: 'Alma', lastName: `Axe${tag}`, email: `${tag}@example.com`,
  });
  await createTransaction(anna, customer.id, 'Jahresabschluss 2025');
  const invited = `${tag}-reg@example.com`;
  await createCustomer(anna, { type: 'person', firstName: 'Rita', lastName: `Reg${tag}`, email: invited });
  const register = registrationLink((await lastMessage('email', invited)).body);
  const endUser = `${tag}-me@example.com`;
  await createCustomer(anna, { type: 'person', firstName: 'Meta', lastName: `Me${tag}`, email: endUser });
  await registerByApi(endUser, PASSWORD);
  return { customer: customer.id, register, endUser };
}

/** The customer form refused by the server on three fields: messages and their summary. */
async function refuseCustomer(page) {
  await page.locator('#new-firstName').fill('\u200B\u200B');
  await page.locator('#new-lastName').fill('M'.repeat(101));
  await page.locator('#new-email').fill(`${unique('axe-refused')}@example.com`);
  await page.locator('#new-mobile').fill('+33 6 12 34 56 78');
  await page.locator('button[type="submit"]').click();
  await page.locator('.error-summary').waitFor();
}

/** The import's error table, and the download of the failed rows. */
async function importWithErrors(page) {
  const file = `type;firstName;lastName;email\r\nperson;Ina;;${unique('axe-imp')}@example.com\r\n`;
  await page.setInputFiles('#import-file', { name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
  await page.locator('#import-errors tbody tr').first().waitFor();
}

/** The registration page refusing a common password: the field's message and the summary. */
async function commonPassword(page) {
  const passwords = page.locator('input[type="password"]');
  await passwords.nth(0).fill('passwordpassword');
  await passwords.nth(1).fill('passwordpassword');
  await page.locator('button[type="submit"]').click();
  await page.locator('.error-summary').waitFor();
}

/** Every screen: its name, how to open it (signed in as needed) and, for the error states,
 * what to do on it once its language is chosen. */
function screens(w) {
  const console = (who, hash) => async (page) => { await signIn(page, who, hash); };
  const register = async (page) => { await page.goto(w.register); await page.locator('form').first().waitFor(); };
  return [
    ['sign-in', async (page) => { await page.goto(`${BASE_URL}/#/customers`); await page.locator('input[name="specialist"]').first().waitFor(); }],
    ['overview', console('anna', '#/customers')],
    ['customer-new', console('anna', '#/customers/new')],
    ['customer-data', console('anna', `#/customers/${w.customer}/data`)],
    ['customer-authorisations', console('anna', `#/customers/${w.customer}/authorisations`)],
    ['customer-transactions', console('anna', `#/customers/${w.customer}/transactions`)],
    ['customer-history', console('anna', `#/customers/${w.customer}/history`)],
    ['import', console('anna', '#/imports')],
    ['reviews-due', console('anna', '#/reviews')],
    ['responsibilities-own', console('anna', '#/responsibilities')],
    ['responsibilities-admin', console('root', '#/responsibilities')],
    ['register', register],
    ['me-sign-in', async (page) => { await page.goto(`${BASE_URL}/me.html`); await page.locator('form').first().waitFor(); }],
    ['me', async (page) => { await signInEndUser(page, w.endUser, PASSWORD); }],
    ['customer-new-refused', console('anna', '#/customers/new'), refuseCustomer],
    ['import-errors', console('anna', '#/imports'), importWithErrors],
    ['register-refused', register, commonPassword],
  ];
}

async function violations(page) {
  await page.evaluate(AXE);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }, TAGS);
}

let w;
before(async () => { w = await world(); });

for (const [width, viewport] of Object.entries(WIDTHS)) {
  test(`every screen passes axe-core's WCAG A and AA rules at ${width} width in German and English`, async () => {
    const browser = await startBrowser({ viewport });
    const found = [];
    try {
      for (const [name, open, act] of screens(w)) {
        for (const lang of ['de', 'en']) {
          const page = await browser.newPage();
          await open(page);
          await page.locator('#lang-select').selectOption(lang);
          if (act) await act(page);
          await page.waitForLoadState('networkidle');
          for (const v of await violations(page)) found.push(`${name} ${lang} ${width}: ${v}`);
          // The choice is kept for the next page, whose sign-in speaks German.
          await page.locator('#lang-select').selectOption('de');
          await page.close();
        }
      }
    } finally {
      await browser.close();
    }
    assert.deepEqual(found, [], found.join('\n'));
  });
}
