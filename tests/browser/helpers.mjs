// Shared helpers for the browser tests: system Chromium through playwright-core, API calls from
// Node, outbox reading, screenshots.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = path.resolve(here, '..', '..', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

/**
 * Starts Chromium with a fresh temporary profile. Returns {context, newPage, close}.
 * newPage() fails the test on uncaught page errors (collected in page.errors).
 */
export async function startBrowser({ viewport = { width: 1280, height: 900 } } = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'dap-browser-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
  });
  context.setDefaultTimeout(10_000);
  const pages = [];
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.errors = [];
      page.on('pageerror', (err) => page.errors.push(err));
      pages.push(page);
      return page;
    },
    async close() {
      const errors = pages.flatMap((p) => p.errors || []);
      // Route handlers still running when the context closes would fail later, unhandled.
      for (const p of pages) await p.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => {});
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
      if (errors.length) throw new Error(`uncaught errors in the page: ${errors.map((e) => e.stack || e).join('\n')}`);
    },
  };
}

/** Saves screenshots/<name>.png; fullPage: false for a screen with an open (modal) dialog. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** A string unique to this run, for e-mail addresses (one access per address platform-wide). */
export function unique(prefix = 'u') {
  return `${prefix}${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

// ---- API from Node ---------------------------------------------------------------------------

export async function apiCall(token, method, pathname, body, headers = {}) {
  const res = await fetch(BASE_URL + pathname, {
    method,
    headers: {
      Accept: 'application/json',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  return { status: res.status, data };
}

export async function specialistToken(specialistId) {
  const { status, data } = await apiCall(null, 'POST', '/dev/login', { specialistId });
  if (status !== 200) throw new Error(`/dev/login ${specialistId}: ${status} ${JSON.stringify(data)}`);
  return data.token;
}

/** Creates a customer through the API; returns the created customer (with accesses). */
export async function createCustomer(token, fields) {
  const { status, data } = await apiCall(token, 'POST', '/customers', fields);
  if (status !== 201) throw new Error(`POST /customers: ${status} ${JSON.stringify(data)}`);
  return data;
}

export async function createTransaction(token, customerId, title) {
  const { status, data } = await apiCall(token, 'POST', `/customers/${encodeURIComponent(customerId)}/transactions`, { title });
  if (status !== 201) throw new Error(`POST transactions: ${status} ${JSON.stringify(data)}`);
  return data;
}

export async function outbox() {
  const { status, data } = await apiCall(null, 'GET', '/dev/outbox');
  if (status !== 200) throw new Error(`/dev/outbox: ${status}`);
  return data.items || [];
}

/** Last message of a channel to a recipient, waiting a little for it to appear. */
export async function lastMessage(channel, to, { timeoutMs = 5000 } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const items = (await outbox()).filter((m) => m.channel === channel && m.to === to);
    if (items.length) return items[items.length - 1];
    if (Date.now() > until) throw new Error(`no ${channel} message to ${to} in the outbox`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---- UI --------------------------------------------------------------------------------------

/** Opens the console and signs in as a seeded specialist (local mode). */
export async function signIn(page, specialistId = 'anna', hash = '') {
  await page.goto(`${BASE_URL}/${hash}`);
  await page.locator(`input[name="specialist"][value="${specialistId}"]`).check();
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.locator('#user-name').waitFor({ state: 'visible' });
}

// ---- end users ------------------------------------------------------------------------------

/** The /register#token=... link of an invitation e-mail, on the test server. */
export function registrationLink(emailBody) {
  const m = /\/register#token=([^\s"'<>)]+)/.exec(emailBody);
  if (!m) throw new Error(`no registration link in the e-mail: ${emailBody}`);
  // The link's host is the configured portal address; the test server may listen elsewhere.
  return `${BASE_URL}/register#token=${m[1]}`;
}

/** The XXXX-XXXX registration code of an SMS. */
export function smsCode(smsBody) {
  const m = /\b([A-Za-z0-9]{4}-[A-Za-z0-9]{4})\b/.exec(smsBody);
  if (!m) throw new Error(`no XXXX-XXXX code in the SMS: ${smsBody}`);
  return m[1];
}

/** Completes the last invitation to email through the API (mobile: where an SMS code was sent). */
export async function registerByApi(email, password, { mobile } = {}) {
  const link = registrationLink((await lastMessage('email', email)).body);
  const body = { token: new URL(link).hash.replace(/^#token=/, ''), password };
  if (mobile) body.smsCode = smsCode((await lastMessage('sms', mobile)).body);
  const { status, data } = await apiCall(null, 'POST', '/registrations/complete', body);
  if (status !== 200) throw new Error(`POST /registrations/complete: ${status} ${JSON.stringify(data)}`);
  return data;
}

/** Opens the end-user page and signs in with e-mail and password (German page). */
export async function signInEndUser(page, email, password) {
  await page.goto(`${BASE_URL}/me.html`);
  await page.getByRole('textbox', { name: 'E-Mail' }).fill(email);
  await page.getByLabel('Passwort', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mein Zugang' }).waitFor();
}

/** The messages of a channel to a recipient, once there are at least count of them. */
export async function messagesTo(channel, to, count, { timeoutMs = 5000 } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const items = (await outbox()).filter((m) => m.channel === channel && m.to === to);
    if (items.length >= count) return items;
    if (Date.now() > until) throw new Error(`${items.length} of ${count} ${channel} messages to ${to} in the outbox`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
