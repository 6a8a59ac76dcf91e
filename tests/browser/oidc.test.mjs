// Sign-in in deployed mode: OpenID Connect authorization code flow with PKCE (S256) and state.
// The identity provider is played by request interception; the API token comes from the local
// server's /dev/login so that the API calls after sign-in are real.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BASE_URL, startBrowser, screenshot, specialistToken } from './helpers.mjs';

let browser;
before(async () => { browser = await startBrowser(); });
after(async () => { await browser.close(); });

const IDP = 'https://idp.example.test';
// The provider's pages send the browser on by script: Playwright does not route the target of an
// HTTP redirect, and the console page after the redirect needs the routes below.
const redirectPage = (to) => ({
  contentType: 'text/html',
  body: `<!doctype html><title>IdP</title><script>location.replace(${JSON.stringify(to)})</script>`,
});
const b64url = (buf) => Buffer.from(buf).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

test('OIDC: authorization code flow with PKCE, state check, sign-out at the provider', async () => {
  const apiToken = await specialistToken('ben');
  const config = {
    apiBaseUrl: '',
    auth: {
      mode: 'oidc', issuer: IDP, clientId: 'console-client',
      authorizeUrl: `${IDP}/oauth2/authorize`, tokenUrl: `${IDP}/oauth2/token`,
      redirectUri: `${BASE_URL}/`, scope: 'openid email profile',
      logoutUrl: `${IDP}/logout`,
    },
  };
  const page = await browser.newPage();
  await page.route(`${BASE_URL}/config.json`, (route) => route.fulfill({ json: config }));
  // Deployed, the page's Content-Security-Policy has to allow the token endpoint in
  // connect-src; the local server's policy allows only 'self', so the test widens it the same way.
  await page.route((url) => url.origin === BASE_URL && url.pathname === '/', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    if (headers['content-security-policy']) {
      headers['content-security-policy'] = headers['content-security-policy'].replace("connect-src 'self'", `connect-src 'self' ${IDP}`);
    }
    await route.fulfill({ response, headers });
  });
  let challenge = null;
  let tokenRequest = null;
  await page.route(`${IDP}/oauth2/authorize**`, (route) => {
    const url = new URL(route.request().url());
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('client_id'), 'console-client');
    assert.equal(url.searchParams.get('redirect_uri'), `${BASE_URL}/`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('scope'), 'openid email profile');
    challenge = url.searchParams.get('code_challenge');
    const state = url.searchParams.get('state');
    assert.ok(state && state.length >= 16, 'state is random');
    const back = `${BASE_URL}/?code=the-code&state=${encodeURIComponent(state)}`;
    return route.fulfill(redirectPage(back));
  });
  await page.route(`${IDP}/oauth2/token`, (route) => {
    tokenRequest = new URLSearchParams(route.request().postData());
    const idToken = `${b64url('{"alg":"none"}')}.${b64url(JSON.stringify({ sub: 'ben', name: 'Ben aus dem IdP', email: 'ben@example.com' }))}.x`;
    return route.fulfill({
      headers: { 'Access-Control-Allow-Origin': BASE_URL },
      json: { access_token: apiToken, id_token: idToken, token_type: 'Bearer', expires_in: 3600 },
    });
  });
  await page.route(`${IDP}/logout**`, (route) => {
    const url = new URL(route.request().url());
    return route.fulfill(redirectPage(url.searchParams.get('logout_uri')));
  });

  await page.goto(`${BASE_URL}/#/customers`);
  await page.getByRole('button', { name: 'Weiter zur Anmeldung' }).click();
  await page.getByRole('heading', { level: 1, name: 'Kundenübersicht' }).waitFor();
  await page.getByText('Angemeldet als Ben aus dem IdP').waitFor();

  assert.equal(tokenRequest.get('grant_type'), 'authorization_code');
  assert.equal(tokenRequest.get('code'), 'the-code');
  assert.equal(tokenRequest.get('client_id'), 'console-client');
  assert.equal(tokenRequest.get('redirect_uri'), `${BASE_URL}/`);
  const verifier = tokenRequest.get('code_verifier');
  assert.ok(verifier.length >= 43, 'code_verifier has at least 43 characters');
  assert.equal(b64url(createHash('sha256').update(verifier).digest()), challenge, 'S256 challenge matches');
  // The code does not stay in the address bar; the verifier is gone from sessionStorage.
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('dap.oidc.verifier')), null);
  await screenshot(page, 'oidc-signed-in');

  // A forged redirect with a wrong state is refused.
  tokenRequest = null;
  await page.goto(`${BASE_URL}/?code=evil&state=forged`);
  await page.getByText('Die Anmeldung konnte nicht zugeordnet werden.').waitFor();
  assert.equal(tokenRequest, null, 'no token request for a forged state');
  assert.equal(new URL(page.url()).search, '');

  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.getByRole('button', { name: 'Weiter zur Anmeldung' }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('dap.console.token')), null);
});
