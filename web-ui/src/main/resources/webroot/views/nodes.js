// Nodes: motherships, rain servers and generic agent nodes with state, capacity, reservations
// and live metrics. States follow the events; metrics are polled (see js/metrics.js).
import {h, fill, stateBadge, fmtCapacity, fmtTime} from '../js/dom.js';
import {isAbort, enc} from '../js/api.js';
import {alertBox, pager} from '../js/ui.js';
import {pollAgents, describe, Chart, POLL_MS} from '../js/metrics.js';

const NODE_STATES = {'node.online': 'AVAILABLE', 'node.returned': 'AVAILABLE', 'node.suspect': 'SUSPECT',
  'node.lost': 'LOST', 'node.left': 'LEFT', 'mothership.expired': 'EXPIRED', 'rainserver.expired': 'EXPIRED'};
const PAGE = 25;

export async function render(root, ctx) {
  const {scope} = ctx;
  const alert = alertBox();
  let motherships = [];
  let servers = [];
  let agents = new Map();
  const charts = new Map();
  const rows = new Map(); // node id -> tr
  let reloadTimer = null;

  const msBody = h('tbody');
  const rsBody = h('tbody');
  const genBody = h('tbody');
  const msPager = pager(PAGE, page => renderRows(msBody, page, motherRow));
  const rsPager = pager(PAGE, page => renderRows(rsBody, page, serverRow));
  const genPager = pager(PAGE, page => renderRows(genBody, page, genericRow));
  const head = (...cols) => h('thead', {}, h('tr', {}, cols.map(c => h('th', {scope: 'col', class: c.startsWith('~') ? 'hide-narrow' : null}, c.replace('~', '')))));
  root.append(h('h1', {}, 'Nodes'), alert.el,
    h('p', {class: 'muted'}, 'States change live; metrics are read every 5 seconds while this page is open.'),
    h('h2', {}, 'Motherships'), h('div', {class: 'table-wrap'}, h('table', {}, head('Name', 'State', '~Address', 'Capacity', 'Reserved', '~Instances', 'Metrics'), msBody)), msPager.el,
    h('h2', {}, 'Rain servers'), h('div', {class: 'table-wrap'}, h('table', {}, head('Name', 'State', '~Address', 'URLs', 'Metrics'), rsBody)), rsPager.el,
    h('h2', {}, 'Generic agent nodes'), h('div', {class: 'table-wrap'}, h('table', {}, head('Name', 'State', '~Address', 'Last heartbeat', 'Metrics'), genBody)), genPager.el);

  function renderRows(body, page, rowOf) {
    for (const tr of body.children) rows.delete(tr.dataset.nodeId);
    fill(body, page.length ? page.map(rowOf) : h('tr', {}, h('td', {colspan: 7, class: 'muted'}, 'None.')));
    refreshCharts();
  }

  function metricsCell(id) {
    let chart = charts.get(id);
    if (!chart) { chart = new Chart(id); charts.set(id, chart); }
    const a = agents.get(id);
    return h('td', {}, a ? h('span', {'data-metrics': ''}, describe(a.metrics)) : h('span', {class: 'muted'}, 'no agent'), chart.el);
  }

  function rowFor(id, state, cells) {
    const tr = h('tr', {'data-node-id': id, 'data-state': state}, cells);
    rows.set(id, tr);
    return tr;
  }

  const nameLink = n => h('td', {}, h('a', {href: '/ui/nodes/' + enc(n.id)}, n.name), n.draining ? h('span', {class: 'badge tone-warn'}, ' draining') : null);
  const motherRow = m => rowFor(m.id, m.state, [nameLink(m), h('td', {}, stateBadge(m.state)), h('td', {class: 'hide-narrow'}, m.address),
    h('td', {}, fmtCapacity(m.capacity)), h('td', {}, fmtCapacity(m.reserved)), h('td', {class: 'hide-narrow'}, m.instanceCount ?? '—'), metricsCell(m.id)]);
  const serverRow = s => rowFor(s.id, s.state, [nameLink(s), h('td', {}, stateBadge(s.state)), h('td', {class: 'hide-narrow'}, s.address),
    h('td', {}, (s.urls || []).join(', ')), metricsCell(s.id)]);
  const genericRow = a => rowFor(a.nodeId, a.state, [h('td', {}, h('a', {href: '/ui/nodes/' + enc(a.nodeId)}, a.name)), h('td', {}, stateBadge(a.state)),
    h('td', {class: 'hide-narrow'}, a.address || '—'), h('td', {}, fmtTime(a.lastHeartbeatAt)), metricsCell(a.nodeId)]);

  function refreshCharts() {
    for (const tr of rows.values()) {
      const id = tr.dataset.nodeId;
      charts.get(id)?.update().catch(() => {});
      const m = tr.querySelector('[data-metrics]');
      if (m && agents.get(id)) m.textContent = describe(agents.get(id).metrics);
    }
  }

  async function load() {
    const [ms, rs] = await Promise.all([scope.get('/mothership/all'), scope.get('/rainservers/all')]);
    motherships = ms.items;
    servers = rs.items;
    await poll();
    msPager.set(motherships);
    rsPager.set(servers);
    genPager.set([...agents.values()].filter(a => a.kind === 'generic'));
  }

  async function poll() {
    try {
      agents = await pollAgents(scope);
    } catch (err) {
      if (!isAbort(err) && err.status !== 403) alert.show(err);
    }
    refreshCharts();
  }

  function setState(id, state) {
    for (const list of [motherships, servers, [...agents.values()]]) {
      const n = list.find(x => (x.id || x.nodeId) === id);
      if (n) n.state = state;
    }
    const tr = rows.get(id);
    if (tr) { tr.dataset.state = state; tr.children[1].replaceChildren(stateBadge(state)); }
  }

  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => load().catch(err => alert.show(err)), 1000);
  }

  ctx.live((events, info) => {
    if (info.resync) { reloadSoon(); return; }
    for (const e of events) {
      const p = e.payload || {};
      const id = p.nodeId || p.id;
      if (NODE_STATES[e.type]) setState(id, NODE_STATES[e.type]);
      if (/^(mothership|rainserver)\.(registered|removed|unregistered|draining|undrained|reset)$/.test(e.type)
          || (e.type === 'node.online' && p.previousState === 'NEW') || /^instance\.(placed|stopped|clustered|rescheduled|unplaced)$/.test(e.type)) {
        reloadSoon(); // new rows, gone rows or reservations: one read for the whole batch
      }
    }
  });

  try {
    await load();
  } catch (err) {
    if (!isAbort(err)) alert.show(err);
  }
  scope.every(POLL_MS, poll);
  return () => { clearTimeout(reloadTimer); charts.forEach(c => c.destroy()); };
}

