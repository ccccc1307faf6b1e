// Web components: deploy a descriptor, instantiate, undeploy; each instance: stop, refresh,
// cluster. Instance states follow the events in place.
import {h, fill, stateBadge, field} from '../js/dom.js';
import {isAbort, enc, ApiError, all} from '../js/api.js';
import {alertBox, confirmAction, busy, showFieldErrors} from '../js/ui.js';

const PAGE = 20;
const EXAMPLE = {id: 'cart', version: '1.0', urls: ['/shop/cart'], resources: {cpu: 1, ramMb: 512, bandwidthMbps: 10}, replicas: 1};

export async function render(root, ctx) {
  const {scope, params} = ctx;
  const only = params.id || null;
  const alert = alertBox();
  const listAlert = alertBox();
  const descriptor = h('textarea', {id: 'descriptor', spellcheck: 'false', rows: 9}, JSON.stringify(EXAMPLE, null, 2));
  const deploy = h('button', {type: 'submit'}, 'Deploy');
  const form = h('form', {class: 'card', 'aria-labelledby': 'deploy-title'}, h('h2', {id: 'deploy-title'}, 'Deploy a component'),
    alert.el, field('Descriptor (JSON)', descriptor, 'descriptor'), h('div', {class: 'actions'}, deploy));
  const list = h('div', {id: 'component-list'});
  const pagerEl = h('nav', {class: 'pager', 'aria-label': 'Pages'});
  const names = new Map(); // mothership id -> name
  let start = 0;
  let reloadTimer = null;

  root.append(only ? h('p', {}, h('a', {href: '/ui/components'}, '← All components')) : null,
    h('h1', {}, only ? `Component ${only}` : 'Web components'), only ? null : form,
    h('h2', {}, 'Deployed'), listAlert.el, list, pagerEl);

  form.addEventListener('submit', async event => {
    event.preventDefault();
    alert.clear();
    showFieldErrors(form, []);
    let body;
    try {
      body = JSON.parse(descriptor.value);
    } catch (err) {
      showFieldErrors(form, [{name: 'descriptor', reason: 'is not valid JSON: ' + err.message}]);
      descriptor.focus();
      return;
    }
    try {
      const created = await busy(deploy, () => scope.post('/webcomponent/', body));
      alert.info(`Deployed ${created.id}@${created.version}.`);
      await load();
    } catch (err) {
      alert.show(err, form);
    }
  });

  function act(label, run, confirm, cls = 'secondary') {
    const button = h('button', {type: 'button', class: cls + ' small'}, label);
    button.addEventListener('click', async () => {
      if (confirm && !(await confirmAction(confirm[0], confirm[1]))) return;
      listAlert.clear();
      try {
        await busy(button, run);
      } catch (err) {
        listAlert.show(err);
      }
    });
    return button;
  }

  function instanceRow(i) {
    const where = (i.placements || []).map(p => `${p.role} on ${names.get(p.mothershipId) || p.mothershipId.slice(0, 8)}`).join(', ') || 'not placed';
    return h('li', {'data-instance-id': i.instanceId, 'data-state': i.state},
      h('span', {class: 'mono'}, i.instanceId.slice(0, 8)), ' ', stateBadge(i.state), ' ',
      h('span', {class: 'muted'}, where, i.progress ? ` · ${i.progress}` : '', i.failure ? ` · failed at ${i.failure.step || i.failure.action}` : ''), ' ',
      h('span', {class: 'actions'},
        act('Refresh', () => scope.put('/webcomponent/' + enc(i.instanceId))),
        act('Cluster', () => scope.post('/webcomponent/' + enc(i.instanceId))),
        i.state === 'FAILED' ? act('Restart', () => scope.post(`/v1.0/instances/${enc(i.instanceId)}/restart`)) : null,
        act('Stop', () => scope.del('/webcomponent/' + enc(i.instanceId)), [`Stop instance ${i.instanceId.slice(0, 8)}?`, 'Its capacity is released once its agents confirm.'], 'danger')));
  }

  function componentCard(c) {
    const key = `${c.id}@${c.version}`;
    const instances = h('ul', {class: 'instances', 'data-instances-of': key}, (c.instances || []).map(instanceRow));
    return h('article', {class: 'card', 'data-component-id': c.id, 'data-version': c.version},
      h('h3', {}, key), h('p', {class: 'muted'}, `${(c.urls || []).join(', ')} · ${c.replicas} replica(s) · cpu ${c.resources?.cpu}, ${c.resources?.ramMb} MB`),
      h('div', {class: 'actions'},
        act('Instantiate', async () => { const i = await scope.post(`/webcomponent/${enc(c.id)}/${enc(c.version)}`); upsertInstance(i); }, null, 'primary'),
        act('Refresh all', () => scope.put(`/webcomponent/${enc(c.id)}/${enc(c.version)}`)),
        act('Undeploy', async () => { await scope.del(`/webcomponent/${enc(c.id)}/${enc(c.version)}`); await load(); },
          [`Undeploy ${key}?`, 'Its instances are stopped and the version is removed.'], 'danger')),
      h('h4', {}, 'Instances'), instances);
  }

  function upsertInstance(i) {
    const old = list.querySelector(`[data-instance-id="${CSS.escape(i.instanceId)}"]`);
    if (i.state === 'STOPPED') { if (old) old.remove(); return; }
    const row = instanceRow(i);
    if (old) { old.replaceWith(row); return; }
    const ul = list.querySelector(`[data-instances-of="${CSS.escape(`${i.componentId}@${i.version}`)}"]`);
    if (ul) ul.append(row);
  }

  async function load() {
    const ms = await scope.get('/mothership/all').catch(() => ({items: []}));
    ms.items.forEach(m => names.set(m.id, m.name));
    let page;
    if (only) {
      const items = (await all(scope, '/webcomponent/all', 1000)).filter(c => c.id === only);
      page = {items, total: items.length};
    } else {
      page = await scope.get(`/webcomponent/all?start=${start}&range=${PAGE}`);
    }
    const detailed = [];
    for (let i = 0; i < page.items.length; i += 5) {
      detailed.push(...await Promise.all(page.items.slice(i, i + 5).map(c =>
        scope.get(`/webcomponent/${enc(c.id)}/${enc(c.version)}`).catch(err => { if (isAbort(err)) throw err; return c; }))));
    }
    fill(list, detailed.length ? detailed.map(componentCard) : h('p', {class: 'muted'}, 'No component is deployed.'));
    renderPager(page.total);
  }

  function renderPager(total) {
    const prev = h('button', {type: 'button', class: 'secondary', disabled: start === 0, onclick: () => { start = Math.max(0, start - PAGE); load().catch(e => listAlert.show(e)); }}, 'Previous');
    const next = h('button', {type: 'button', class: 'secondary', disabled: start + PAGE >= total, onclick: () => { start += PAGE; load().catch(e => listAlert.show(e)); }}, 'Next');
    fill(pagerEl, only || total <= PAGE ? [] : [prev, h('span', {}, `${start + 1}–${Math.min(total, start + PAGE)} of ${total}`), next]);
  }

  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => load().catch(err => listAlert.show(err)), 300);
  }

  ctx.live((events, info) => {
    if (info.resync) { reloadSoon(); return; }
    for (const e of events) {
      if (e.type.startsWith('webcomponent.')) reloadSoon();
      else if (e.type.startsWith('instance.') && e.payload?.instanceId && e.payload.componentId) upsertInstance(e.payload);
    }
  });

  try {
    await load();
  } catch (err) {
    if (!isAbort(err)) listAlert.show(err instanceof ApiError ? err : new Error(err.message));
  }
  return () => clearTimeout(reloadTimer);
}
