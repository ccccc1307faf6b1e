// Admins: tenants, and creating one.
import {h, fill, fmtTime, field} from '../js/dom.js';
import {isAbort} from '../js/api.js';
import {alertBox, busy, pager, showFieldErrors} from '../js/ui.js';
import {adminTabs} from './admin-nav.js';

export async function render(root, ctx) {
  const {scope} = ctx;
  const alert = alertBox();
  const name = h('input', {id: 'tenant-name', required: true});
  const button = h('button', {type: 'submit'}, 'Create tenant');
  const form = h('form', {class: 'card'}, h('h2', {}, 'New tenant'), alert.el, field('Name', name, 'name'), h('div', {class: 'actions'}, button));
  const body = h('tbody');
  const list = pager(25, page => fill(body, page.map(t => h('tr', {'data-tenant-id': t.id}, h('td', {}, t.name), h('td', {}, fmtTime(t.createdAt)), h('td', {}, h('code', {}, t.id))))));
  root.append(h('h1', {}, 'Tenants'), adminTabs('tenants'), form,
    h('div', {class: 'table-wrap'}, h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'Created', 'Id'].map(c => h('th', {scope: 'col'}, c)))), body)), list.el);

  async function load() {
    list.set((await scope.get('/v1.0/tenants')).items);
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    alert.clear();
    showFieldErrors(form, []);
    try {
      await busy(button, () => scope.post('/v1.0/tenants', {name: name.value.trim()}));
      alert.info(`Created tenant ${name.value.trim()}.`);
      name.value = '';
      await load();
    } catch (err) {
      alert.show(err, form);
    }
  });

  ctx.live(events => { if (events.some(e => e.type === 'tenant.created')) load().catch(err => alert.show(err)); });
  try { await load(); } catch (err) { if (!isAbort(err)) alert.show(err); }
}
