// API access: configuration, bearer token, problem+json errors.

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

/** Translation key for an error: overrides[status] first, then the generic text for the status. */
export function errorKey(err, overrides = {}) {
  const status = err && typeof err.status === 'number' ? err.status : -1;
  if (overrides[status]) return overrides[status];
  if (status === 0) return 'error.network';
  const known = [400, 401, 403, 404, 409, 410, 413, 422, 429];
  if (known.includes(status)) return `error.${status}`;
  if (status >= 500) return 'error.server';
  return 'error.unknown';
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
