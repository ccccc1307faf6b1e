// The events feed: pages of the log (newest first), filtered by type, following live on the
// newest page.
import {h, fill, fmtTime} from '../js/dom.js';
import {isAbort, ApiError} from '../js/api.js';
import {alertBox} from '../js/ui.js';

const TYPES = ['tenant', 'user', 'agenttoken', 'rainserver', 'mothership', 'webcomponent', 'instance', 'wiring', 'node', 'command', 'agent', 'topology', 'job'];
const LIMIT = 50;

export async function render(root, ctx) {
  const {scope} = ctx;
  const alert = alertBox();
  const chosen = new Set((ctx.query.get('types') || '').split(',').filter(Boolean).map(t => t.replace('.*', '')));
  const boxes = TYPES.map(t => {
    const box = h('input', {type: 'checkbox', id: 'type-' + t, value: t, checked: chosen.has(t)});
    box.addEventListener('change', () => { box.checked ? chosen.add(t) : chosen.delete(t); since = null; load(); });
    return h('span', {}, box, ' ', h('label', {for: box.id}, t + '.*'));
  });
  const list = h('ol', {class: 'event-list', reversed: true, 'aria-live': 'off'});
  const prev = h('button', {type: 'button', class: 'secondary', onclick: () => { since = Math.max(0, (since ?? 0) - LIMIT); load(); }}, 'Older');
  const next = h('button', {type: 'button', class: 'secondary', onclick: () => { since = lastSeq; load(); }}, 'Newer');
  const newestButton = h('button', {type: 'button', class: 'secondary', onclick: () => { since = null; load(); }}, 'Newest');
  const where = h('span', {class: 'muted'});
  let since = null; // null: the newest page, followed live
  let lastSeq = 0;
  let newest = 0;

  root.append(h('h1', {}, 'Events'), alert.el,
    h('fieldset', {class: 'filters'}, h('legend', {}, 'Types (none ticked: all)'), boxes),
    h('nav', {class: 'pager', 'aria-label': 'Pages'}, prev, newestButton, next, where), list);

  const typesParam = () => chosen.size ? '&types=' + [...chosen].map(t => t + '.*').join(',') : '';
  const wanted = e => !chosen.size || chosen.has(e.type.slice(0, e.type.indexOf('.')));

  function item(e) {
    return h('li', {'data-seq': e.seq, 'data-type': e.type},
      h('strong', {}, e.type), ` #${e.seq} · ${fmtTime(e.createdAt)} · ${e.actor} · `, h('code', {}, e.subject),
      h('details', {}, h('summary', {}, 'Payload'), h('pre', {}, JSON.stringify(e.payload, null, 2))));
  }

  async function load() {
    alert.clear();
    try {
      if (since === null) {
        const head = await scope.get('/v1.0/events?since=0&limit=1');
        newest = head.newestSeq;
      }
      const from = since === null ? Math.max(0, newest - LIMIT) : since;
      const page = await scope.get(`/v1.0/events?since=${from}&limit=${LIMIT}${typesParam()}`);
      lastSeq = page.lastSeq;
      newest = page.newestSeq;
      if (since !== null) since = from;
      fill(list, page.items.slice().reverse().map(item));
      if (!page.items.length) list.append(h('li', {class: 'muted'}, 'No event of these types in this range.'));
      where.textContent = `events ${from + 1}–${lastSeq} of ${newest}${since === null ? ' · following live' : ''}`;
      prev.disabled = from === 0;
      next.disabled = lastSeq >= newest;
      history.replaceState(history.state, '', '/ui/events' + (chosen.size ? '?types=' + [...chosen].join(',') : ''));
    } catch (err) {
      if (isAbort(err)) return;
      if (err instanceof ApiError && err.status === 410) { since = null; return load(); }
      alert.show(err);
    }
  }

  ctx.live((events, info) => {
    if (info.resync) { if (since === null) load(); return; }
    if (since !== null) { newest = events[events.length - 1].seq; next.disabled = false; return; }
    for (const e of events.filter(wanted)) {
      list.querySelector('li.muted')?.remove();
      list.prepend(item(e));
      while (list.children.length > LIMIT * 2) list.lastChild.remove();
    }
    lastSeq = newest = events[events.length - 1].seq;
    where.textContent = `up to event ${newest} · following live`;
  });

  await load();
}
