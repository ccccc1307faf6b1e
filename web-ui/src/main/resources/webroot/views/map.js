// The infrastructure map: cytoscape canvas plus #map-list, its live text alternative. Events
// change the model in place; each animation frame's batch re-renders only what changed.
import {h, fill, stateTone, fmtCapacity} from '../js/dom.js';
import {all, isAbort, enc} from '../js/api.js';
import {MapModel, KINDS} from '../js/mapmodel.js';
import {alertBox} from '../js/ui.js';
import * as loader from '../js/loader.js';
import {mapStyle} from './map-style.js';
import {positions} from './map-layout.js';

export async function render(root, ctx) {
  const {scope} = ctx;
  const model = new MapModel();
  const alert = alertBox();
  const canvas = h('div', {id: 'map-canvas', role: 'img', 'aria-label': 'Infrastructure map; the list beside it holds the same nodes'});
  const list = h('ul', {id: 'map-list', 'aria-label': 'Map nodes'});
  const details = h('section', {class: 'details card', 'aria-live': 'polite'}, h('p', {class: 'muted'}, 'Select a node for its details.'));
  const items = new Map();
  let cy = null;
  let selected = null;
  let layoutTimer = null;
  let refetchTimer = null;

  const button = (label, onclick) => h('button', {type: 'button', class: 'secondary small', onclick}, label);
  root.append(h('h1', {}, 'Infrastructure map'), alert.el,
    h('div', {class: 'actions', role: 'toolbar', 'aria-label': 'Map view'},
      button('Fit', () => cy && cy.fit(undefined, 30)),
      button('Zoom in', () => cy && cy.zoom({level: cy.zoom() * 1.25, renderedPosition: center()})),
      button('Zoom out', () => cy && cy.zoom({level: cy.zoom() / 1.25, renderedPosition: center()})),
      button('Rearrange', () => layout(true)),
      h('span', {class: 'legend', 'aria-hidden': 'true'}, ['ok', 'busy', 'warn', 'bad', 'off'].map(t =>
        h('span', {class: 'badge tone-' + t}, {ok: 'available / running', busy: 'in progress', warn: 'suspect / stopping', bad: 'lost / failed', off: 'left / stopped'}[t])))),
    h('div', {class: 'map-layout'}, canvas, h('div', {class: 'map-side'}, details, h('h2', {}, 'Nodes'), list)));

  const center = () => ({x: canvas.clientWidth / 2, y: canvas.clientHeight / 2});

  async function readTopology(id) {
    try {
      model.loadTopology(await scope.get('/v1.0/topologies/' + enc(id)));
    } catch (err) {
      if (!isAbort(err) && err.status === 404) model.removeTopology(id);
      else if (!isAbort(err)) throw err;
    }
  }

  async function loadAll() {
    const [map, topologies] = await Promise.all([scope.get('/v1.0/map'), all(scope, '/v1.0/topologies', 200)]);
    model.loadMap(map);
    const known = new Set(topologies.map(t => t.id));
    for (const n of [...model.nodes.values()]) {
      if (n.kind === 'topology' && !known.has(n.info.topologyId)) model.removeTopology(n.info.topologyId);
    }
    // A few at a time: a hub with many topologies is not asked for all of them at once.
    for (let i = 0; i < topologies.length; i += 6) {
      await Promise.all(topologies.slice(i, i + 6).map(t => readTopology(t.id)));
    }
  }

  function sync() {
    const changes = model.take();
    if (cy) renderCanvas(changes);
    renderList(changes.nodes);
    if (selected && changes.nodes.has(selected)) showDetails(selected);
    if (changes.added) scheduleLayout();
    if (changes.refetch) scheduleRefetch();
    if (changes.topologies.size) {
      Promise.all([...changes.topologies].map(readTopology)).then(sync, err => alert.show(err));
    }
  }

  function label(n) {
    return n.kind === 'topology' ? `${n.name} (${n.state})` : n.name;
  }

  function renderCanvas(changes) {
    cy.batch(() => {
      // Parents before children, so a compound exists when its members arrive.
      const order = id => { const k = model.nodes.get(id)?.kind; return k === 'mothership' || k === 'topology' ? 0 : 1; };
      for (const id of [...changes.nodes].sort((a, b) => order(a) - order(b))) {
        const n = model.nodes.get(id);
        const el = cy.getElementById(id);
        if (!n) { if (el.nonempty()) cy.remove(el); continue; }
        const parent = n.parent && cy.getElementById(n.parent).nonempty() ? n.parent : null;
        const data = {id, label: label(n), kind: n.kind, state: n.state, tone: stateTone(n.state), draining: n.info?.draining ? 1 : 0};
        if (el.empty()) {
          cy.add({group: 'nodes', data: parent ? {...data, parent} : data, position: near(parent)});
        } else {
          el.data(data);
          if ((el.data('parent') || null) !== parent) el.move({parent});
        }
      }
      for (const key of changes.edges) {
        const e = model.edges.get(key);
        const el = cy.getElementById(key);
        if (!e) { if (el.nonempty()) cy.remove(el); continue; }
        if (el.empty() && cy.getElementById(e.source).nonempty() && cy.getElementById(e.target).nonempty()) {
          cy.add({group: 'edges', data: {id: key, source: e.source, target: e.target, kind: e.kind}});
        }
      }
    });
  }

  function near(parent) {
    const base = parent ? cy.getElementById(parent).position() : cy.extent();
    const x = parent ? base.x : (base.x1 + base.x2) / 2;
    const y = parent ? base.y : (base.y1 + base.y2) / 2;
    return {x: x + (Math.random() - 0.5) * 80, y: y + (Math.random() - 0.5) * 80};
  }

  function listText(n) {
    return [h('span', {class: 'name'}, n.name), ' · ', h('span', {class: 'muted'}, n.kind), ' · ', h('span', {class: 'badge tone-' + stateTone(n.state)}, n.state)];
  }

  const order = (a, b) => (KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind))
    || String(a.name).localeCompare(String(b.name), undefined, {numeric: true});
  function renderList(ids) {
    for (const id of ids) {
      const n = model.nodes.get(id);
      let li = items.get(id);
      if (!n || !KINDS.includes(n.kind)) { if (li) { li.remove(); items.delete(id); } continue; }
      if (!li) {
        li = h('li', {}, h('button', {type: 'button', onclick: () => select(id)}));
        items.set(id, li);
        const after = [...list.children].find(other => {
          const o = model.nodes.get(other.dataset.nodeId);
          return o && order(n, o) < 0;
        });
        list.insertBefore(li, after || null);
      }
      Object.assign(li.dataset, {nodeId: id, kind: n.kind, state: n.state});
      fill(li.firstChild, listText(n));
      li.firstChild.setAttribute('aria-label', `${n.name}, ${n.kind}, ${n.state}`);
    }
  }

  function select(id) {
    selected = id;
    if (cy) { cy.$(':selected').unselect(); const el = cy.getElementById(id); if (el.nonempty()) { el.select(); cy.animate({center: {eles: el}}, {duration: 200}); } }
    showDetails(id);
  }

  function showDetails(id) {
    const n = model.nodes.get(id);
    if (!n) { fill(details, h('p', {class: 'muted'}, 'That node is gone.')); return; }
    const i = n.info || {};
    const rows = [['Kind', n.kind], ['State', n.state], ['Address', i.address], ['URLs', (i.urls || []).join(', ')],
      ['Capacity', i.capacity && fmtCapacity(i.capacity)], ['Reserved', i.reserved && fmtCapacity(i.reserved)],
      ['Draining', i.draining === undefined ? null : i.draining ? 'yes' : 'no'], ['Progress', i.progress],
      ['Component', i.component], ['Role', i.role], ['Id', n.kind === 'topology' ? i.topologyId : id]];
    const link = n.kind === 'mothership' || n.kind === 'rainserver' ? ['/ui/nodes/' + enc(id), 'Open node']
      : n.kind === 'instance' ? ['/ui/components/' + enc(i.componentId || ''), 'Open component']
        : ['/ui/topologies/' + enc(i.topologyId), 'Open topology'];
    fill(details, h('h2', {}, n.name),
      h('dl', {}, rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])),
      h('p', {}, h('a', {href: link[0]}, link[1])));
  }

  function layout(fit) {
    if (!cy) return;
    const pos = positions(model, Math.max(1, canvas.clientWidth / Math.max(1, canvas.clientHeight)));
    cy.layout({name: 'preset', positions: node => pos[node.id()] || node.position(), fit, padding: 30, animate: false}).run();
  }

  function scheduleLayout() {
    clearTimeout(layoutTimer);
    layoutTimer = setTimeout(() => layout(false), 200);
  }

  function scheduleRefetch() {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => scope.get('/v1.0/map').then(map => { model.loadMap(map); sync(); }, err => alert.show(err)), 300);
  }

  ctx.live((events, info) => {
    if (info.resync) { loadAll().then(sync, err => alert.show(err)); return; }
    events.forEach(e => model.apply(e));
    sync();
  });

  try {
    await loadAll();
  } catch (err) {
    if (isAbort(err)) return undefined;
    alert.show(err);
  }
  renderList(new Set(model.nodes.keys()));
  try {
    await loader.script(loader.CYTOSCAPE);
    if (scope.aborted) return undefined;
    cy = window.cytoscape({container: canvas, style: mapStyle, minZoom: 0.1, maxZoom: 2.5});
    cy.on('tap', 'node', event => { const id = event.target.id(); selected = id; showDetails(id); });
    renderCanvas({nodes: new Set(model.nodes.keys()), edges: new Set(model.edges.keys())});
    layout(true);
  } catch (err) {
    alert.info('The graph could not be drawn (' + err.message + '); the list holds every node.');
  }
  // Anything that arrived while loading.
  sync();
  return () => { clearTimeout(layoutTimer); clearTimeout(refetchTimer); if (cy) cy.destroy(); };
}
