// The tab's one live connection: the event WebSocket. Views subscribe; events reach them in
// batches, one per animation frame. Resumes with since=<last seq> after a drop, closes while
// the tab is hidden and catches up when it is shown; on 410 (since too old) subscribers re-list.
import {request, session, ApiError} from './api.js';

const subscribers = new Set();
let ws = null;
let lastSeq = 0;
let state = 'paused';
let running = false;
let retryMs = 500;
let retryTimer = null;
let queue = [];
let frameRequested = false;

function setState(next) {
  state = next;
  const el = document.getElementById('live-status');
  if (el) {
    el.dataset.state = next;
    el.textContent = next;
    el.title = next === 'live' ? 'Receiving events as they happen'
      : next === 'paused' ? 'Paused while this tab is hidden' : 'Connection lost; reconnecting';
  }
}

/** fn(events, {resync}) is called with each batch; returns the unsubscribe function. */
export function subscribe(fn) {
  subscribers.add(fn);
  return () => subscribers.delete(fn);
}

export function currentSeq() {
  return lastSeq;
}

function deliver(events, info) {
  for (const fn of subscribers) {
    try { fn(events, info); } catch (err) { console.error('live subscriber failed', err); }
  }
}

function flush() {
  frameRequested = false;
  const batch = queue;
  queue = [];
  if (batch.length) deliver(batch, {resync: false});
}

function enqueue(event) {
  queue.push(event);
  if (!frameRequested) {
    frameRequested = true;
    // A hidden tab runs no animation frames; the socket is closed then anyway.
    requestAnimationFrame(flush);
  }
}

function url() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/v1.0/events/ws?since=${lastSeq}`;
}

function connect() {
  clearTimeout(retryTimer);
  if (!running || ws) return;
  if (document.hidden) { setState('paused'); return; }
  let opened = false;
  const socket = new WebSocket(url(), ['rainhub.v1', 'bearer.' + session.token]);
  ws = socket;
  socket.onopen = () => { opened = true; retryMs = 500; setState('live'); };
  socket.onmessage = message => {
    const event = JSON.parse(message.data);
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    enqueue(event);
  };
  socket.onclose = closed => {
    if (ws === socket) ws = null;
    if (!running || document.hidden) return;
    setState('reconnecting');
    // A refused upgrade shows no status to the page: ask the page API why (401, 410, down).
    if (!opened || closed.code === 1008) probe(); else retry(closed.code === 1013 ? 0 : retryMs);
  };
}

function retry(ms) {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(connect, ms);
  retryMs = Math.min(retryMs * 2, 10000);
}

async function probe() {
  try {
    await request(`/v1.0/events?since=${lastSeq}&limit=1`);
    retry(retryMs);
  } catch (err) {
    if (err instanceof ApiError && err.status === 410) {
      resync(err.problem.newestSeq || 0);
    } else if (!(err instanceof ApiError && err.status === 401)) {
      retry(retryMs);
    }
  }
}

/** The events after lastSeq are gone: start from the newest and let every view re-list. */
function resync(newest) {
  lastSeq = newest;
  queue = [];
  deliver([], {resync: true});
  retry(0);
}

function onVisibility() {
  if (!running) return;
  if (document.hidden) {
    const socket = ws;
    ws = null;
    clearTimeout(retryTimer);
    setState('paused');
    if (socket) socket.close(1000, 'tab hidden');
  } else {
    setState('reconnecting');
    connect();
  }
}

/** Starts following from the newest event; views list what exists now. */
export async function start() {
  if (running) return;
  running = true;
  document.addEventListener('visibilitychange', onVisibility);
  setState('reconnecting');
  try {
    const page = await request('/v1.0/events?since=0&limit=1');
    lastSeq = page.newestSeq || 0;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return;
    if (err instanceof ApiError && err.status === 410) lastSeq = err.problem.newestSeq || 0;
  }
  connect();
}

export function stop() {
  running = false;
  document.removeEventListener('visibilitychange', onVisibility);
  clearTimeout(retryTimer);
  const socket = ws;
  ws = null;
  if (socket) socket.close(1000, 'logged out');
  queue = [];
  subscribers.clear();
  setState('paused');
}
