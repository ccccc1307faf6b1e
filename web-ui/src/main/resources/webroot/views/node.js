// One node: its record, agent, metrics chart, instances, and (admins) drain, reset, remove.
import {h, fill, stateBadge, fmtCapacity, fmtTime} from '../js/dom.js';
import {session, isAbort, enc, ApiError} from '../js/api.js';
import {alertBox, confirmAction, busy} from '../js/ui.js';
import {pollAgents, describe, Chart, POLL_MS} from '../js/metrics.js';

export async function render(root, ctx) {
  const {scope, params} = ctx;
  const id = params.id;
  const alert = alertBox();
  const info = h('section', {class: 'card details'});
  const actions = h('div', {class: 'actions'});
  const instances = h('section', {class: 'card'});
  const chart = new Chart(id, 320, 90);
  const agentLine = h('p', {'data-metrics': ''}, '…');
  let node = null;
  let kind = null;
  root.append(h('p', {}, h('a', {href: '/ui/nodes'}, '← Nodes')), h('h1', {}, 'Node'), alert.el, info, actions,
    h('section', {class: 'card'}, h('h2', {}, 'Metrics'), agentLine, chart.el), instances);

  async function load() {
    try {
      node = await scope.get('/mothership/' + enc(id));
      kind = 'mothership';
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      const servers = await scope.get('/rainservers/all');
      node = servers.items.find(s => s.id === id) || null;
      kind = node ? 'rainserver' : 'generic';
    }
    const agents = await pollAgents(scope).catch(() => new Map());
    const agent = agents.get(id);
    if (!node && agent) node = {id, name: agent.name, state: agent.state, address: agent.address};
    if (!node) throw new ApiError(404, {title: 'Not found', detail: 'No node has the id ' + id + '.'});
    root.querySelector('h1').textContent = `${node.name} (${kind})`;
    document.title = node.name + ' · Rain Hub';
    const rows = [['State', stateBadge(node.state)], ['Address', node.address], ['Capacity', node.capacity && fmtCapacity(node.capacity)],
      ['Reserved', node.reserved && fmtCapacity(node.reserved)], ['Free', node.free && fmtCapacity(node.free)],
      ['Draining', kind === 'mothership' ? (node.draining ? 'yes' : 'no') : null], ['URLs', node.urls && node.urls.join(', ')],
      ['Agent', agent ? `${agent.agentVersion || ''} · last heartbeat ${fmtTime(agent.lastHeartbeatAt)} · ${agent.pendingCommands} pending command(s)` : 'none (registered over REST)'],
      ['Created', fmtTime(node.createdAt)], ['Id', id]];
    fill(info, h('dl', {'data-node-id': id, 'data-state': node.state}, rows.filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
    agentLine.textContent = agent ? describe(agent.metrics) : 'No agent reports metrics for this node.';
    chart.update().catch(() => {});
    renderActions();
    if (kind === 'mothership') {
      const hosted = await scope.get(`/mothership/${enc(id)}/webcomponents`);
      const list = hosted.items || hosted;
      fill(instances, h('h2', {}, 'Instances'), Array.isArray(list) && list.length
        ? h('ul', {}, list.map(i => h('li', {'data-instance-id': i.instanceId, 'data-state': i.state},
          h('a', {href: '/ui/components/' + enc(i.componentId)}, `${i.componentId}@${i.version}`), ' ', stateBadge(i.state))))
        : h('p', {class: 'muted'}, 'None.'));
    } else {
      instances.hidden = true;
    }
  }

  function action(label, title, detail, run, danger = true) {
    const button = h('button', {type: 'button', class: danger ? 'danger' : 'secondary'}, label);
    button.addEventListener('click', async () => {
      if (danger && !(await confirmAction(title, detail))) return;
      alert.clear();
      try {
        await busy(button, run);
        await load();
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) { ctx.navigate('/ui/nodes'); return; }
        alert.show(err);
      }
    });
    return button;
  }

  function renderActions() {
    if (!session.admin) { fill(actions); return; }
    const buttons = [];
    if (kind === 'mothership') {
      buttons.push(node.draining
        ? action('Undrain', '', '', () => scope.put(`/v1.0/motherships/${enc(id)}/drain`, {draining: false}), false)
        : action('Drain', `Drain ${node.name}?`, 'Its instances move to other motherships with room; it takes no new work.',
          () => scope.put(`/v1.0/motherships/${enc(id)}/drain`, {draining: true})));
      buttons.push(action('Remove', `Remove ${node.name}?`, 'Its instances move as when a node is lost and its wires go.',
        () => scope.del('/mothership/' + enc(id))));
    } else if (kind === 'rainserver') {
      buttons.push(action('Reset wiring', `Reset the wiring of ${node.name}?`, 'The hub re-wires it to the motherships it needs now.',
        () => scope.put('/rainservers/' + enc(id))));
      buttons.push(action('Remove', `Remove ${node.name}?`, 'It no longer renders any URL.', () => scope.del('/rainservers/' + enc(id))));
    }
    fill(actions, buttons);
  }

  ctx.live(events => {
    const mine = events.filter(e => (e.payload?.nodeId || e.payload?.id) === id
      || (e.payload?.placements || []).some(pl => pl.mothershipId === id));
    if (mine.length) load().catch(err => alert.show(err));
  });

  try {
    await load();
  } catch (err) {
    if (!isAbort(err)) alert.show(err);
  }
  scope.every(POLL_MS, () => pollAgents(scope).then(agents => {
    const a = agents.get(id);
    if (a) agentLine.textContent = describe(a.metrics);
    chart.update().catch(() => {});
  }, () => {}));
  return () => chart.destroy();
}
