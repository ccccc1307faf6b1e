// Admins: users, and creating one in a tenant with roles.
import {h, fill, fmtTime, field} from '../js/dom.js';
import {isAbort} from '../js/api.js';
import {alertBox, busy, pager, showFieldErrors} from '../js/ui.js';
import {adminTabs} from './admin-nav.js';

export async function render(root, ctx) {
  const {scope} = ctx;
  const alert = alertBox();
  const username = h('input', {id: 'user-username', autocomplete: 'off', required: true});
  const password = h('input', {id: 'user-password', type: 'password', autocomplete: 'new-password', required: true});
  const tenant = h('select', {id: 'user-tenant'});
  const role = h('select', {id: 'user-role'}, h('option', {value: 'user'}, 'user'), h('option', {value: 'admin'}, 'admin'));
  const button = h('button', {type: 'submit'}, 'Create user');
  const form = h('form', {class: 'card'}, h('h2', {}, 'New user'), alert.el,
    h('div', {class: 'inline-fields'}, field('Username', username, 'username'), field('Password', password, 'password'),
      field('Tenant', tenant, 'tenant'), field('Role', role, 'roles')),
    h('div', {class: 'actions'}, button));
  const body = h('tbody');
  const list = pager(25, page => fill(body, page.map(u => h('tr', {'data-user-id': u.id},
    h('td', {}, u.username), h('td', {}, u.tenant), h('td', {}, (u.roles || []).join(', ')), h('td', {}, fmtTime(u.createdAt))))));
  root.append(h('h1', {}, 'Users'), adminTabs('users'), form,
    h('div', {class: 'table-wrap'}, h('table', {}, h('thead', {}, h('tr', {}, ['Username', 'Tenant', 'Roles', 'Created'].map(c => h('th', {scope: 'col'}, c)))), body)), list.el);

  async function load() {
    const [users, tenants] = await Promise.all([scope.get('/v1.0/users'), scope.get('/v1.0/tenants')]);
    list.set(users.items);
    const keep = tenant.value;
    fill(tenant, tenants.items.map(t => h('option', {value: t.name, selected: t.name === keep}, t.name)));
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    alert.clear();
    showFieldErrors(form, []);
    try {
      await busy(button, () => scope.post('/v1.0/users', {username: username.value.trim(), password: password.value,
        tenant: tenant.value, roles: [role.value]}));
      alert.info(`Created user ${username.value.trim()}.`);
      username.value = '';
      password.value = '';
      await load();
    } catch (err) {
      alert.show(err, form);
    }
  });

  ctx.live(events => { if (events.some(e => e.type === 'user.created' || e.type === 'tenant.created')) load().catch(err => alert.show(err)); });
  try { await load(); } catch (err) { if (!isAbort(err)) alert.show(err); }
}
