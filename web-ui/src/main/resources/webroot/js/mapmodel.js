// The map as the UI holds it: nodes and edges keyed by id, changed by events in place. apply()
// marks what changed so the view re-renders only that; what an event cannot tell (a node never
// seen) asks for one refetch instead.

const NODE_STATES = {'node.online': 'AVAILABLE', 'node.returned': 'AVAILABLE', 'node.suspect': 'SUSPECT',
  'node.lost': 'LOST', 'node.left': 'LEFT'};
export const KINDS = ['rainserver', 'mothership', 'instance', 'topology-node'];

export class MapModel {
  constructor() {
    this.nodes = new Map();   // id -> {id, kind, name, state, parent, info}
    this.edges = new Map();   // key -> {id, source, target, kind}
    this.reset();
  }

  reset() {
    this.dirty = new Set();      // node ids added, changed or removed
    this.dirtyEdges = new Set();
    this.added = false;          // something new needs a place: lay out again
    this.refetch = false;        // the whole map must be read again
    this.topologiesToRead = new Set();
  }

  /** Takes what changed since the last take. */
  take() {
    const changes = {nodes: this.dirty, edges: this.dirtyEdges, added: this.added,
      refetch: this.refetch, topologies: this.topologiesToRead};
    this.reset();
    return changes;
  }

  loadMap(map) {
    for (const [id, n] of this.nodes) if (n.kind !== 'topology-node' && n.kind !== 'topology') this.remove(id);
    for (const [key, e] of this.edges) if (e.kind !== 'member') this.removeEdge(key);
    const parents = new Map(map.edges.filter(e => e.kind === 'hosts').map(e => [e.to, e.from]));
    for (const n of map.nodes) {
      const {id, kind, name, state, ...info} = n;
      this.put({id, kind, name, state, parent: kind === 'instance' ? parents.get(id) : undefined, info});
    }
    for (const e of map.edges) if (e.kind !== 'hosts') this.putEdge(e.kind, e.from, e.to);
  }

  /** A topology (GET /v1.0/topologies/{id}) as a group of its nodes. */
  loadTopology(t) {
    const group = 'topology:' + t.id;
    const keep = new Set();
    this.put({id: group, kind: 'topology', name: t.name, state: t.state, info: {topologyId: t.id, zone: t.availability_zone}});
    for (const c of t.components || []) {
      for (const node of c.nodes || []) {
        keep.add(node.id);
        this.putTopologyNode(t.id, {...node, component: c.name});
      }
    }
    for (const [id, n] of this.nodes) if (n.parent === group && !keep.has(id)) this.remove(id);
  }

  removeTopology(topologyId) {
    const group = 'topology:' + topologyId;
    for (const [id, n] of this.nodes) if (n.parent === group) this.remove(id);
    this.remove(group);
  }

  putTopologyNode(topologyId, node) {
    const group = 'topology:' + topologyId;
    if (!this.nodes.has(group)) { this.topologiesToRead.add(topologyId); return; }
    if (node.state === 'DELETED') { this.remove(node.id); return; }
    this.put({id: node.id, kind: 'topology-node', name: node.name, state: node.state, parent: group,
      info: {topologyId, component: node.component, role: node.role, exports: node.exports, agentNodeId: node.agentNodeId}});
  }

  put(node) {
    const before = this.nodes.get(node.id);
    if (!before) this.added = true;
    this.nodes.set(node.id, before ? {...before, ...node, info: {...before.info, ...node.info}} : node);
    this.dirty.add(node.id);
  }

  patch(id, fields) {
    const n = this.nodes.get(id);
    if (!n) { this.refetch = true; return; }
    this.put({...n, ...fields});
  }

  remove(id) {
    if (!this.nodes.delete(id)) return;
    this.dirty.add(id);
    for (const [key, e] of this.edges) if (e.source === id || e.target === id) this.removeEdge(key);
    for (const n of this.nodes.values()) if (n.parent === id) { n.parent = undefined; this.dirty.add(n.id); }
  }

  putEdge(kind, source, target) {
    const key = `${kind}:${source}:${target}`;
    if (!this.edges.has(key)) {
      this.edges.set(key, {id: key, kind, source, target});
      this.dirtyEdges.add(key);
    }
  }

  removeEdge(key) {
    if (this.edges.delete(key)) this.dirtyEdges.add(key);
  }

  apply(event) {
    const p = event.payload || {};
    const type = event.type;
    const [area, what] = [type.slice(0, type.indexOf('.')), type.slice(type.indexOf('.') + 1)];
    if (area === 'mothership' || area === 'rainserver') {
      if (what === 'removed' || what === 'unregistered') this.remove(p.id);
      else if (what === 'expired') this.patch(p.id, {state: 'EXPIRED'});
      else if (p.name) {
        const {id, name, state, ...info} = p;
        if (what === 'draining') info.draining = true;
        if (what === 'undrained') info.draining = false;
        this.put({id, kind: area, name, state: state || this.nodes.get(id)?.state, info});
      } else if (what === 'draining' || what === 'undrained') {
        this.patch(p.id, {info: {draining: what === 'draining'}});
      } else if (!this.nodes.has(p.id)) this.refetch = true;
    } else if (area === 'node' && NODE_STATES[type]) {
      if (p.kind === 'generic') return;
      this.patch(p.nodeId, {state: NODE_STATES[type]});
    } else if (area === 'instance') {
      this.applyInstance(what, p);
    } else if (area === 'wiring' && p.rainServerId && p.mothershipId) {
      if (what === 'added') this.putEdge('wired', p.rainServerId, p.mothershipId);
      else this.removeEdge(`wired:${p.rainServerId}:${p.mothershipId}`);
    } else if (type === 'topology.created') {
      this.topologiesToRead.add(p.id);
    } else if (type === 'topology.deleted') {
      this.removeTopology(p.id);
    } else if (type === 'topology.node' && p.node) {
      this.putTopologyNode(p.topologyId, p.node);
    } else if (area === 'job' && ['succeeded', 'failed', 'cancelled'].includes(what) && p.topologyId) {
      // A job's end may change its topology's state (RUNNING, FAILED), which no other event tells.
      if (this.nodes.has('topology:' + p.topologyId)) this.topologiesToRead.add(p.topologyId);
    }
  }

  applyInstance(what, p) {
    const id = p.instanceId || p.id;
    if (!id) return;
    if (what === 'stopped') { this.remove(id); return; }
    const before = this.nodes.get(id);
    if (!before && !p.componentId) { this.refetch = true; return; }
    const name = p.componentId ? `${p.componentId}@${p.version}` : before.name;
    const fields = {id, kind: 'instance', name, state: p.state || before?.state,
      info: {componentId: p.componentId || before?.info.componentId, progress: p.progress, failure: p.failure}};
    if (Array.isArray(p.placements)) {
      const primary = p.placements.find(pl => pl.role === 'primary');
      fields.parent = primary && this.nodes.has(primary.mothershipId) ? primary.mothershipId : undefined;
      for (const [key, e] of this.edges) if (e.kind === 'replica' && e.target === id) this.removeEdge(key);
      for (const pl of p.placements) if (pl.role !== 'primary') this.putEdge('replica', pl.mothershipId, id);
    }
    this.put(fields);
  }
}
