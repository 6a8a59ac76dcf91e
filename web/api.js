// API access: configuration, bearer token, problem+json errors.
import { getLang } from '/i18n.js';

let configPromise = null;
let tokenProvider = () => null;
let unauthorizedHandler = null;

/** Loads /config.json once: {"apiBaseUrl": "", "auth": {"mode": "local" | "oidc", ...}} */
export function loadConfig() {
  if (!configPromise) {
    configPromise = fetch('/config.json', { cache: 'no-store' })
      .then((res) => {
        if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
        return res.json();
      })
      .then((cfg) => ({ apiBaseUrl: '', ...cfg, auth: { mode: 'local', ...(cfg.auth || {}) } }));
  }
  return configPromise;
}

/** getToken() returns the bearer token or null; onUnauthorized(err) is called on a 401. */
export function configureAuth({ getToken, onUnauthorized }) {
  tokenProvider = getToken || (() => null);
  unauthorizedHandler = onUnauthorized || null;
}

export class ApiError extends Error {
  constructor(status, problem, cause) {
    super(problem && problem.title ? problem.title : `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || null;
    this.errors = problem && Array.isArray(problem.errors) ? problem.errors : [];
    this.detail = problem && typeof problem.detail === 'string' ? problem.detail : '';
    if (cause) this.cause = cause;
  }
}

/**
 * api('/customers', {method: 'POST', body: {...}, headers: {...}, auth: true})
 * A `raw` body (a Blob or string, e.g. a CSV file) is sent as it is, with the Content-Type
 * the caller puts in `headers`.
 * Resolves {status, data, headers}; rejects with ApiError (status 0 = network failure).
 */
export async function api(path, { method = 'GET', body, raw, headers = {}, auth = true, signal } = {}) {
  const cfg = await loadConfig();
  const base = (cfg.apiBaseUrl || '').replace(/\/+$/, '');
  const requestHeaders = { Accept: 'application/json, application/problem+json', ...headers };
  if (body !== undefined) requestHeaders['Content-Type'] = 'application/json';
  const token = auth ? tokenProvider() : null;
  if (token) requestHeaders.Authorization = `Bearer ${token}`;
  let res;
  try {
    res = await fetch(base + path, {
      method,
      headers: requestHeaders,
      body: raw !== undefined ? raw : (body !== undefined ? JSON.stringify(body) : undefined),
      signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null, e);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, data && typeof data === 'object' ? data : null);
    if (res.status === 401 && auth && token && unauthorizedHandler) unauthorizedHandler(err);
    throw err;
  }
  return { status: res.status, data, headers: res.headers };
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function seg(id) {
  return encodeURIComponent(id);
}

/** The problem types (`/problems/<name>`) of the conflicts a page must tell apart, each with
 * its own text `problem.<name>` (openapi.yaml's ConflictType; a test holds the two equal). */
export const PROBLEM_TEXTS = [
  'stale-version', 'email-taken', 'last-administrator', 'address-undeliverable', 'access-active',
  'sole-sign-in', 'in-progress', 'still-responsible', 'own-entry',
];

/** The name of an error's problem type, if it is one with a text of its own. */
function problemName(err) {
  const type = err && err.problem && typeof err.problem.type === 'string' ? err.problem.type : '';
  const name = type.startsWith('/problems/') ? type.slice('/problems/'.length) : '';
  return PROBLEM_TEXTS.includes(name) ? name : null;
}

/** Translation key for an error: a screen's own text for its problem type (`overrides`
 * keyed by the type's name) or the type's text, then a screen's own text for its status, then
 * the generic text for the status. A problem type tells apart what one status cannot: a 409
 * of a removal is `last-administrator` or `stale-version`. */
export function errorKey(err, overrides = {}) {
  const status = err && typeof err.status === 'number' ? err.status : -1;
  const problem = problemName(err);
  if (problem) return overrides[problem] || `problem.${problem}`;
  if (overrides[status]) return overrides[status];
  if (status === 0) return 'error.network';
  const known = [400, 401, 403, 404, 409, 410, 413, 422, 429];
  if (known.includes(status)) return `error.${status}`;
  if (status >= 500) return 'error.server';
  return 'error.unknown';
}

/** The server's own words to show under a generic text of ours: only on an English page (the
 * API's messages are English, and a German page shows German only), only where our text is
 * the generic one for the status, and only where they say more than the problem's title. */
export function errorDetail(err, key) {
  if (!err || !err.detail || getLang() !== 'en') return undefined;
  if (key !== errorKey(err)) return undefined;
  if (key.startsWith('problem.')) return undefined;
  return err.problem && err.detail === err.problem.title ? undefined : err.detail;
}

/** RFC 4122 version 4 UUID. */
export function uuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
