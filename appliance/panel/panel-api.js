// xlive panel: the API client and small DOM helpers shared by the panel's modules.
// Data goes into the page with textContent (never innerHTML), so nothing from the API can run as script.

export const state = { csrf: null, user: null, timer: null, onSessionEnd: null };
export const $ = (id) => document.getElementById(id);

// ---- API -------------------------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(message, status, retryAfter, problem) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
    /** The problem+json body (its `code` and details, e.g. the config key a validation failure names). */
    this.problem = problem || null;
  }
}

/** fetch with the session cookie; state-changing calls carry the CSRF token. Errors are problem+json. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const retry = res.headers.get('retry-after');
    let msg = (data && data.detail) || `the box answered ${res.status}`;
    if (res.status === 429 && retry) msg = `Too many attempts. Try again in ${retry} seconds.`;
    throw new ApiError(msg, res.status, retry, data);
  }
  return data;
}

/**
 * Send a file as the raw body (a backup archive, a package) with the session cookie and CSRF token;
 * `onProgress(sent, total)` follows the upload. Resolves with the JSON answer; errors as `api`.
 */
export function upload(method, path, file, contentType, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('content-type', contentType);
    xhr.setRequestHeader('accept', 'application/json');
    if (state.csrf) xhr.setRequestHeader('x-csrf-token', state.csrf);
    xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded, e.total);
    xhr.onerror = () => reject(new ApiError('The upload did not reach the box (network error).', 0));
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError((data && data.detail) || `the box answered ${xhr.status}`, xhr.status, undefined, data));
    };
    xhr.send(file);
  });
}

/**
 * A path the box answered (`/hls/links/…`, `/api/v1/updates/…`) made relative to the panel's own
 * address, so it still reaches the box when a reverse proxy serves the panel under a path prefix.
 */
export const boxUrl = (path) => (typeof path === 'string' && path.startsWith('/') && !path.startsWith('//') ? path.slice(1) : path);

// ---- small DOM helpers ----------------------------------------------------------------------------

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export function showError(id, err) {
  const p = $(id);
  p.textContent = err ? err.message || String(err) : '';
  p.hidden = !err;
}

export function show(view) {
  for (const v of ['view-loading', 'view-setup', 'view-login', 'view-dashboard']) $(v).hidden = v !== view;
  $('who').hidden = view !== 'view-dashboard';
}

export const can = (scope) => !!state.user && state.user.scopes.includes(scope);

/**
 * Run a call of a signed-in screen: a 401 means the session ended (logged out elsewhere, expired), so
 * the panel goes back to the sign-in; any other problem is shown in words in `errorId`.
 */
export async function guarded(fn, errorId) {
  try {
    await fn();
    if (errorId) showError(errorId, null);
  } catch (err) {
    if (err.status === 401 && state.onSessionEnd) return state.onSessionEnd('Your session ended. Please sign in again.');
    showError(errorId || 'global-error', err);
  }
}

export async function withBusy(button, fn) {
  button.disabled = true;
  try {
    await fn();
  } finally {
    button.disabled = false;
  }
}

export function copyFrom(input) {
  input.select();
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).catch(() => document.execCommand('copy'));
  else document.execCommand('copy');
}

export function formatDuration(ms) {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

