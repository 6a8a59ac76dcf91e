// Sign-in: local development login (/dev/login) and OpenID Connect (authorization code + PKCE).
import { api } from '/api.js';

/** A session kept in sessionStorage under the given prefix ('dap.console' or 'dap.enduser'). */
export function createSession(prefix) {
  const tokenKey = `${prefix}.token`;
  const userKey = `${prefix}.user`;
  return {
    getToken() {
      const token = sessionStorage.getItem(tokenKey);
      if (!token) return null;
      const claims = decodeJwt(token);
      if (claims && typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) {
        this.clear();
        return null;
      }
      return token;
    },
    getUser() {
      try { return JSON.parse(sessionStorage.getItem(userKey) || 'null'); } catch { return null; }
    },
    set(token, user) {
      sessionStorage.setItem(tokenKey, token);
      const claims = decodeJwt(token) || {};
      const merged = {
        name: claims.name || claims.email || claims['cognito:username'] || claims.sub || '',
        email: claims.email || '',
        groups: claims['cognito:groups'] || [],
        ...(user || {}),
      };
      sessionStorage.setItem(userKey, JSON.stringify(merged));
    },
    clear() {
      sessionStorage.removeItem(tokenKey);
      sessionStorage.removeItem(userKey);
    },
  };
}

export function decodeJwt(token) {
  const parts = String(token).split('.');
  if (parts.length < 2) return null;
  try {
    const json = new TextDecoder().decode(base64UrlDecode(parts[1]));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

function base64UrlDecode(s) {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4);
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

function base64UrlEncode(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(bytes = 32) {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

// ---- local mode ---------------------------------------------------------------------------

export async function listLocalSpecialists() {
  const { data } = await api('/dev/specialists', { auth: false });
  return (data && data.items) || [];
}

export async function localSpecialistLogin(session, specialist) {
  const { data } = await api('/dev/login', { method: 'POST', body: { specialistId: specialist.id }, auth: false });
  session.set(data.token, { name: specialist.name, email: specialist.email, id: specialist.id });
}

export async function localEndUserLogin(session, email, password) {
  const { data } = await api('/dev/login', { method: 'POST', body: { email, password }, auth: false });
  session.set(data.token, { email });
}

// ---- OIDC mode ----------------------------------------------------------------------------

const OIDC_STATE = 'dap.oidc.state';
const OIDC_VERIFIER = 'dap.oidc.verifier';
const OIDC_RETURN = 'dap.oidc.returnTo';

/** Redirects to the authorization endpoint (code flow, PKCE S256). */
export async function startOidcLogin(authCfg, returnTo = '') {
  const verifier = randomString(48);
  const state = randomString(24);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(OIDC_VERIFIER, verifier);
  sessionStorage.setItem(OIDC_STATE, state);
  sessionStorage.setItem(OIDC_RETURN, returnTo);
  const url = new URL(authCfg.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', authCfg.clientId);
  url.searchParams.set('redirect_uri', authCfg.redirectUri);
  url.searchParams.set('scope', authCfg.scope || 'openid email profile');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', base64UrlEncode(digest));
  url.searchParams.set('code_challenge_method', 'S256');
  window.location.assign(url.toString());
}

/**
 * Completes the code flow when the page was opened with ?code=...&state=...
 * Returns {handled: false} when there is nothing to do, {handled: true, returnTo} on success;
 * throws Error('oidc-state' | 'oidc-error' | 'oidc-token') on failure.
 */
export async function completeOidcLogin(authCfg, session) {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('code') && !params.has('error')) return { handled: false };
  const expectedState = sessionStorage.getItem(OIDC_STATE);
  const verifier = sessionStorage.getItem(OIDC_VERIFIER);
  const returnTo = sessionStorage.getItem(OIDC_RETURN) || '';
  sessionStorage.removeItem(OIDC_STATE);
  sessionStorage.removeItem(OIDC_VERIFIER);
  sessionStorage.removeItem(OIDC_RETURN);
  // Remove code and state from the address bar either way.
  window.history.replaceState(null, '', window.location.pathname + (returnTo || ''));
  if (params.has('error')) throw new Error('oidc-error');
  if (!expectedState || params.get('state') !== expectedState || !verifier) throw new Error('oidc-state');
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: authCfg.clientId,
    code: params.get('code'),
    redirect_uri: authCfg.redirectUri,
    code_verifier: verifier,
  });
  let res;
  try {
    res = await fetch(authCfg.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } catch {
    throw new Error('oidc-token');
  }
  if (!res.ok) throw new Error('oidc-token');
  const tokens = await res.json();
  // API Gateway's JWT authorizer accepts the access token (client_id claim) or the ID token (aud).
  const apiToken = authCfg.tokenType === 'id_token' ? tokens.id_token : (tokens.access_token || tokens.id_token);
  if (!apiToken) throw new Error('oidc-token');
  const idClaims = tokens.id_token ? decodeJwt(tokens.id_token) : null;
  session.set(apiToken, idClaims ? { name: idClaims.name || idClaims.email || '', email: idClaims.email || '' } : undefined);
  return { handled: true, returnTo };
}

/** Ends the session; in OIDC mode also at the identity provider when a logoutUrl is configured. */
export function signOut(authCfg, session) {
  session.clear();
  if (authCfg && authCfg.mode === 'oidc' && authCfg.logoutUrl) {
    const url = new URL(authCfg.logoutUrl);
    url.searchParams.set('client_id', authCfg.clientId);
    url.searchParams.set('logout_uri', authCfg.postLogoutRedirectUri || authCfg.redirectUri);
    window.location.assign(url.toString());
    return true;
  }
  return false;
}
