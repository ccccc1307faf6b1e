// Topologies: create from a built-in example or a JSON file, the list with live states, delete.
import {h, fill, stateBadge, field} from '../js/dom.js';
import {isAbort, enc, all} from '../js/api.js';
import {alertBox, confirmAction, busy, pager, showFieldErrors} from '../js/ui.js';

export async function render(root, ctx) {
  const {scope} = ctx;
  const alert = alertBox();
  const listAlert = alertBox();
  const example = h('select', {id: 'example'}, h('option', {value: ''}, '— choose an example —'));
  const file = h('input', {id: 'topology-file', type: 'file', accept: 'application/json,.json'});
  const create = h('button', {type: 'submit'}, 'Create');
  const form = h('form', {class: 'card', 'aria-labelledby': 'create-title'},
    h('h2', {id: 'create-title'}, 'Create a topology'), alert.el,
    h('div', {class: 'inline-fields'}, field('Built-in example', example, 'example'), field('Or a topology file (JSON)', file, 'document')),
    h('p', {class: 'muted'}, 'A chosen file wins over the example. The document is described in docs/workflows.md.'),
    h('div', {class: 'actions'}, create));
  const body = h('tbody');
  const rows = new Map();
  const listPager = pager(25, page => fill(body, page.length ? page.map(row) : h('tr', {}, h('td', {colspan: 6, class: 'muted'}, 'No topology yet.'))));
  let reloadTimer = null;
  root.append(h('h1', {}, 'Topologies'), form, h('h2', {}, 'Topologies'), listAlert.el,
    h('div', {class: 'table-wrap'}, h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'State', 'Zone', 'Target', 'Nodes', ''].map(c => h('th', {scope: 'col'}, c)))), body)),
    listPager.el);

  const files = new Map(); // example id -> file name
  scope.get('/ui/examples/index.json').then(list => {
    for (const e of list) {
      files.set(e.id, e.file);
      example.append(h('option', {value: e.id}, `${e.id} — ${e.title}`));
    }
  }).catch(err => { if (!isAbort(err)) alert.show(err); });

  async function documentToCreate() {
    if (file.files && file.files[0]) {
      const text = await file.files[0].text();
      try { return JSON.parse(text); } catch (err) {
        throw Object.assign(new Error('The file is not valid JSON: ' + err.message), {field: 'document'});
      }
    }
    if (!example.value) throw Object.assign(new Error('Choose an example or a file.'), {field: 'example'});
    return scope.get('/ui/examples/' + enc(files.get(example.value) || example.value + '.json'));
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    alert.clear();
    showFieldErrors(form, []);
    try {
      const answer = await busy(create, async () => scope.post('/v1.0/topologies', await documentToCreate()));
      ctx.navigate('/ui/jobs/' + enc(answer.jobId));
    } catch (err) {
      if (err.field) { showFieldErrors(form, [{name: err.field, reason: err.message}]); return; }
      // invalid-params name JSON pointers of the document: listed in the alert, each with its pointer.
      alert.show(err, form);
    }
  });

  function row(t) {
    const del = h('button', {type: 'button', class: 'danger small'}, 'Delete');
    del.addEventListener('click', async () => {
      if (!(await confirmAction(`Delete topology ${t.name}?`, 'Every node of it is stopped and released.'))) return;
      try {
        const answer = await busy(del, () => scope.del('/v1.0/topologies/' + enc(t.id)));
        ctx.navigate('/ui/jobs/' + enc(answer.jobId));
      } catch (err) { listAlert.show(err); }
    });
    const tr = h('tr', {'data-topology-id': t.id, 'data-state': t.state},
      h('td', {}, h('a', {href: '/ui/topologies/' + enc(t.id)}, t.name)), h('td', {}, stateBadge(t.state)),
      h('td', {}, t.availability_zone), h('td', {}, t.target), h('td', {}, typeof t.nodes === 'number' ? t.nodes : (t.nodes || []).length),
      h('td', {}, h('span', {class: 'actions'}, h('a', {href: '/ui/topologies/' + enc(t.id)}, 'Scale or replace'), del)));
    rows.set(t.id, tr);
    return tr;
  }

  async function load() {
    const items = await all(scope, '/v1.0/topologies', 500);
    rows.clear();
    listPager.set(items);
  }

  function reloadSoon() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => load().catch(err => listAlert.show(err)), 300);
  }

  ctx.live((events, info) => {
    if (info.resync) { reloadSoon(); return; }
    if (events.some(e => e.type.startsWith('topology.') || /^job\.(succeeded|failed|cancelled)$/.test(e.type))) reloadSoon();
  });

  try {
    await load();
  } catch (err) {
    if (!isAbort(err)) listAlert.show(err);
  }
  return () => clearTimeout(reloadTimer);
}


