// One topology: its components and nodes (live), scale a component, replace or remove a node,
// delete the topology; its jobs, each linked to its live progress.
import {h, fill, stateBadge, fmtTime} from '../js/dom.js';
import {isAbort, enc, ApiError} from '../js/api.js';
import {alertBox, confirmAction, busy} from '../js/ui.js';

export async function render(root, ctx) {
  const {scope, params} = ctx;
  const id = params.id;
  const alert = alertBox();
  const status = h('p', {role: 'status', class: 'muted'});
  const head = h('div');
  const comps = h('div');
  const jobs = h('section', {class: 'card'});
  let topology = null;
  let reloadTimer = null;
  root.append(h('p', {}, h('a', {href: '/ui/topologies'}, '← Topologies')), h('h1', {}, 'Topology'), alert.el, status, head, comps, jobs);

  async function waitFor(jobId) {
    for (;;) {
      const job = await scope.get(`/v1.0/jobs/${enc(jobId)}?wait=30s`);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(job.state)) return job;
    }
  }

  async function scale(c, target) {
    const nodes = (c.nodes || []).filter(n => (n.role || 'default') === 'default');
    if (target > nodes.length) {
      const answer = await scope.post('/v1.0/components/' + enc(c.id), {count: target - nodes.length});
      ctx.navigate('/ui/jobs/' + enc(answer.jobId));
      return;
    }
    // Newest first, one flex-down job at a time (the hub runs one job per topology).
    const newest = [...nodes].sort((a, b) => b.name.localeCompare(a.name, undefined, {numeric: true})).slice(0, nodes.length - target);
    for (let i = 0; i < newest.length; i++) {
      status.textContent = `Removing ${newest[i].name} (${i + 1} of ${newest.length})…`;
      const answer = await scope.del('/v1.0/nodes/' + enc(newest[i].id));
      const job = await waitFor(answer.jobId);
      if (job.state !== 'SUCCEEDED') throw new ApiError(409, {title: `Removing ${newest[i].name} ${job.state.toLowerCase()}`, detail: job.error?.message});
    }
    status.textContent = `${c.name} has ${target} node(s).`;
  }

  function nodeRow(n) {
    const replace = h('button', {type: 'button', class: 'secondary small'}, 'Replace');
    replace.addEventListener('click', async () => {
      if (!(await confirmAction(`Replace ${n.name}?`, 'A new node with its settings starts, then this one is removed.'))) return;
      try { const a = await busy(replace, () => scope.put('/v1.0/nodes/' + enc(n.id))); ctx.navigate('/ui/jobs/' + enc(a.jobId)); } catch (err) { alert.show(err); }
    });
    const remove = h('button', {type: 'button', class: 'danger small'}, 'Remove');
    remove.addEventListener('click', async () => {
      if (!(await confirmAction(`Remove ${n.name}?`, 'The node is stopped and released (flex down).'))) return;
      try { const a = await busy(remove, () => scope.del('/v1.0/nodes/' + enc(n.id))); ctx.navigate('/ui/jobs/' + enc(a.jobId)); } catch (err) { alert.show(err); }
    });
    const exports = Object.entries(n.exports || {}).map(([k, v]) => `${k}=${v}`).join(' ');
    return h('tr', {'data-node-id': n.id, 'data-state': n.state}, h('td', {}, n.name), h('td', {}, n.role || 'default'),
      h('td', {}, stateBadge(n.state)), h('td', {class: 'hide-narrow'}, h('code', {}, exports || '—')), h('td', {}, h('span', {class: 'actions'}, replace, remove)));
  }

  function componentCard(c) {
    const count = h('input', {type: 'number', min: 0, max: 100, id: 'count-' + c.id, value: (c.nodes || []).filter(n => (n.role || 'default') === 'default').length, style: 'width:5rem'});
    const button = h('button', {type: 'submit', class: 'secondary'}, 'Scale');
    const form = h('form', {class: 'inline-fields'}, h('div', {class: 'field'}, h('label', {for: count.id}, `Nodes of ${c.name}`), count), h('div', {class: 'field'}, button));
    form.addEventListener('submit', async event => {
      event.preventDefault();
      alert.clear();
      const target = Number(count.value);
      if (!Number.isInteger(target) || target < 0 || target > 100) { alert.show(new Error('A count is a whole number from 0 to 100.')); return; }
      try { await busy(button, () => scale(c, target)); } catch (err) { alert.show(err); status.textContent = ''; }
    });
    return h('article', {class: 'card', 'data-component': c.name, 'data-component-ref': c.id},
      h('h2', {}, `${c.name} `, h('span', {class: 'muted'}, `${c.type} ${c.version}`)), form,
      h('div', {class: 'table-wrap'}, h('table', {}, h('thead', {}, h('tr', {}, ['Node', 'Role', 'State', 'Exports', ''].map(t => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, (c.nodes || []).map(nodeRow)))));
  }

  async function load() {
    topology = await scope.get('/v1.0/topologies/' + enc(id));
    root.querySelector('h1').textContent = `Topology ${topology.name}`;
    const del = h('button', {type: 'button', class: 'danger'}, 'Delete');
    del.addEventListener('click', async () => {
      if (!(await confirmAction(`Delete topology ${topology.name}?`, 'Every node of it is stopped and released.'))) return;
      try { const a = await busy(del, () => scope.del('/v1.0/topologies/' + enc(id))); ctx.navigate('/ui/jobs/' + enc(a.jobId)); } catch (err) { alert.show(err); }
    });
    fill(head, h('div', {class: 'card', 'data-topology-id': id, 'data-state': topology.state},
      h('p', {}, stateBadge(topology.state), ` zone ${topology.availability_zone} · target ${topology.target} · created ${fmtTime(topology.createdAt)}`,
        topology.lastJobId ? [' · ', h('a', {href: '/ui/jobs/' + enc(topology.lastJobId)}, 'last job')] : null),
      h('div', {class: 'actions'}, del)));
    fill(comps, (topology.components || []).map(componentCard));
    const page = await scope.get(`/v1.0/jobs?topology=${enc(id)}&start=0&range=20`);
    fill(jobs, h('h2', {}, 'Jobs'), page.items.length ? h('ul', {}, page.items.map(j => h('li', {'data-job-ref': j.id, 'data-state': j.state},
      h('a', {href: '/ui/jobs/' + enc(j.id)}, j.kind), ' ', stateBadge(j.state), ` ${j.progress ? j.progress.done + '/' + j.progress.total : ''} · ${fmtTime(j.createdAt)}`)))
      : h('p', {class: 'muted'}, 'None.'));
  }

  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => load().catch(err => {
      if (err instanceof ApiError && err.status === 404) { status.textContent = 'This topology was deleted.'; fill(comps); return; }
      alert.show(err);
    }), 300);
  }

  ctx.live((events, info) => {
    if (info.resync) { reloadSoon(); return; }
    for (const e of events) {
      const p = e.payload || {};
      if (e.type === 'topology.node' && p.topologyId === id && p.node) {
        const row = comps.querySelector(`tr[data-node-id="${CSS.escape(p.node.id)}"]`);
        if (row && p.node.state !== 'DELETED') row.replaceWith(nodeRow(p.node)); else reloadSoon();
      } else if ((e.type.startsWith('job.') && e.type !== 'job.task' && p.topologyId === id) || (e.type.startsWith('topology.') && p.id === id)) {
        reloadSoon();
      }
    }
  });

  try {
    await load();
  } catch (err) {
    if (!isAbort(err)) alert.show(err);
  }
  return () => clearTimeout(reloadTimer);
}
