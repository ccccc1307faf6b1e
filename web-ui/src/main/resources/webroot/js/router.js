// History API routing under /ui/. Each view module exports render(root, ctx) and may return a
// cleanup function; leaving a view aborts its Scope (its requests and timers) and its live
// subscriptions.
import {Scope} from './api.js';
import * as live from './live.js';

const routes = [];
let current = null;
let guard = () => null;

/** pattern like '/ui/nodes/:id'; load returns the view module (lazy import). */
export function route(pattern, load, options = {}) {
  const names = [];
  const regex = new RegExp('^' + pattern.replace(/:[a-z]+/g, m => { names.push(m.slice(1)); return '([^/]+)'; }) + '/?$');
  routes.push({regex, names, load, ...options});
}

/** guard(route, path) returns a path to go to instead, or null. */
export function setGuard(fn) {
  guard = fn;
}

export function navigate(path, {replace = false, state = {}} = {}) {
  if (replace) history.replaceState(state, '', path); else history.pushState(state, '', path);
  return show();
}

function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
      return {route: r, params};
    }
  }
  return null;
}

async function show() {
  const path = location.pathname;
  const found = match(path);
  const redirect = guard(found?.route, path);
  if (redirect && redirect !== path) return navigate(redirect, {replace: true, state: history.state || {}});
  leave();
  const root = document.getElementById('main');
  const scope = new Scope();
  const unsubscribers = [];
  current = {scope, unsubscribers, cleanup: null};
  const mine = current;
  const ctx = {
    params: found ? found.params : {},
    query: new URLSearchParams(location.search),
    state: history.state || {},
    scope,
    navigate,
    live: fn => { unsubscribers.push(live.subscribe(fn)); },
  };
  document.dispatchEvent(new CustomEvent('routechange', {detail: {view: found?.route.view, path}}));
  root.replaceChildren();
  try {
    const module = found ? await found.route.load() : await import('../views/notfound.js');
    if (current !== mine) return;
    const cleanup = await module.render(root, ctx);
    if (current !== mine) { if (typeof cleanup === 'function') cleanup(); return; }
    mine.cleanup = typeof cleanup === 'function' ? cleanup : null;
  } catch (err) {
    if (err.name === 'AbortError') return;
    console.error(err);
    root.replaceChildren();
    const p = document.createElement('p');
    p.setAttribute('role', 'alert');
    p.textContent = 'This view failed: ' + err.message;
    root.append(p);
  }
  const heading = root.querySelector('h1');
  if (heading) document.title = heading.textContent + ' · Rain Hub';
}

function leave() {
  if (!current) return;
  current.scope.abort();
  current.unsubscribers.forEach(off => off());
  if (current.cleanup) current.cleanup();
  current = null;
}

export function start() {
  window.addEventListener('popstate', show);
  // Same-origin links under /ui/ navigate in place; modified clicks open tabs as usual.
  document.addEventListener('click', event => {
    const a = event.target.closest('a[href]');
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey
        || event.shiftKey || event.altKey || a.target || a.hasAttribute('download')) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || !url.pathname.startsWith('/ui/') || url.pathname.startsWith('/ui/webjars/')) return;
    if (url.hash && url.pathname === location.pathname) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  return show();
}
