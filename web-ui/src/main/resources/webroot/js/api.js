// The hub's API over fetch. Each view gets a Scope whose AbortController is aborted when the
// view is left, so a view's pending requests never outlive it.

const TOKEN_KEY = 'rainhub.token';
const WHO_KEY = 'rainhub.whoami';
let onExpired = () => {};

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  get whoami() {
    try { return JSON.parse(sessionStorage.getItem(WHO_KEY)); } catch (e) { return null; }
  },
  get admin() { return (this.whoami?.roles || []).includes('admin'); },
  save(token, whoami) {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(WHO_KEY, JSON.stringify(whoami));
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(WHO_KEY);
  },
};

/** Called once by the app: what a 401 on a logged-in request does (back to login). */
export function whenExpired(handler) {
  onExpired = handler;
}

/** A refusal of the hub: its problem document in words. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  get title() { return this.problem.title || `HTTP ${this.status}`; }
  get fields() { return this.problem['invalid-params'] || []; }
}

export function isAbort(err) {
  return err && err.name === 'AbortError';
}

export async function request(path, {method = 'GET', body, signal, auth = true} = {}) {
  const headers = {Accept: 'application/json'};
  const token = session.token;
  if (auth && token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, {title: 'The hub cannot be reached', detail: 'Check that the hub is running; ' + err.message});
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = {detail: text}; }
  }
  if (!response.ok) {
    if (response.status === 401 && auth && token) {
      onExpired();
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

/** A view's requests, all cancelled at once by abort(). */
export class Scope {
  constructor() {
    this.controller = new AbortController();
    this.timers = new Set();
  }
  get signal() { return this.controller.signal; }
  get aborted() { return this.controller.signal.aborted; }
  get(path) { return request(path, {signal: this.signal}); }
  post(path, body) { return request(path, {method: 'POST', body, signal: this.signal}); }
  put(path, body) { return request(path, {method: 'PUT', body, signal: this.signal}); }
  del(path) { return request(path, {method: 'DELETE', signal: this.signal}); }
  /** setInterval that stops with the view. */
  every(ms, fn) {
    const id = setInterval(fn, ms);
    this.timers.add(id);
    return id;
  }
  abort() {
    this.controller.abort();
    this.timers.forEach(clearInterval);
    this.timers.clear();
  }
}

export async function login(username, password) {
  const answer = await request('/auth/login', {method: 'POST', body: {username, password}, auth: false});
  const whoami = await fetch('/v1.0/whoami', {headers: {Authorization: 'Bearer ' + answer.token}})
    .then(r => r.json());
  session.save(answer.token, whoami);
  return whoami;
}

/** Every page of a {total, start, range, items} list. */
export async function all(scope, path, range = 1000) {
  const items = [];
  for (let start = 0; ; start += range) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await scope.get(`${path}${sep}start=${start}&range=${range}`);
    items.push(...page.items);
    if (page.total === undefined || items.length >= page.total || page.items.length === 0) return items;
  }
}

export const enc = encodeURIComponent;
