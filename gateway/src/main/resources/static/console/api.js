// Calls through the gateway. Errors are RFC 9457 problems: an ApiError carries the status and the problem's detail.
const TOKEN_KEY = 'dsys.adminToken';

export class ApiError extends Error {
  constructor(status, problem, text) {
    super(problem?.detail || problem?.title || text || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export const token = () => sessionStorage.getItem(TOKEN_KEY) || '';
export const setToken = (t) => t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY);

/**
 * One request. Options: body (an object is sent as JSON, a string as text), admin (send the token), node
 * (X-Dsys-Node pinning), expect (statuses that are answers, not errors), traced (start a sampled W3C trace: the
 * gateway records it whatever its rate limit; the answer's X-Trace-Id names it). Resolves to {status, headers, body}.
 */
export async function call(method, path, { body, admin = false, node, expect = [], traced = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (traced) headers.traceparent = `00-${hex(16)}-${hex(8)}-01`;
  if (admin) {
    if (!token()) throw new ApiError(401, { detail: 'admin token needed: paste ./platform token at the top right' });
    headers.Authorization = `Bearer ${token()}`;
  }
  if (node) headers['X-Dsys-Node'] = node;
  let payload;
  if (typeof body === 'string') {
    headers['Content-Type'] = 'text/plain';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload });
  const text = await res.text();
  const type = res.headers.get('Content-Type') || '';
  const parsed = type.includes('json') && text ? JSON.parse(text) : text;
  if (!res.ok && !expect.includes(res.status)) {
    throw new ApiError(res.status, typeof parsed === 'object' ? parsed : null, text);
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** {@code bytes} random bytes as lower-case hex (trace and span ids). */
function hex(bytes) {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export const get = (path, opts) => call('GET', path, opts).then((r) => r.body);
export const post = (path, body, opts = {}) => call('POST', path, { ...opts, body }).then((r) => r.body);
