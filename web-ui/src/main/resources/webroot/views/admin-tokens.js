// Admins: agent tokens. An issued token is shown once, with a copy button; revoking asks first.
import {h, fill, fmtTime, field} from '../js/dom.js';
import {isAbort, enc} from '../js/api.js';
import {alertBox, busy, pager, showFieldErrors, confirmAction, copyButton} from '../js/ui.js';
import {adminTabs} from './admin-nav.js';

export async function render(root, ctx) {
  const {scope} = ctx;
  const alert = alertBox();
  const listAlert = alertBox();
  const name = h('input', {id: 'token-name', required: true});
  const ttl = h('input', {id: 'token-ttl', type: 'number', min: 1, value: 30, style: 'width:6rem'});
  const button = h('button', {type: 'submit'}, 'Issue token');
  const issued = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'card'}, h('h2', {}, 'Issue an agent token'), alert.el,
    h('div', {class: 'inline-fields'}, field('Name', name, 'name'), field('Valid for (days)', ttl, 'ttlDays')),
    h('div', {class: 'actions'}, button), issued);
  const body = h('tbody');
  const list = pager(25, page => fill(body, page.length ? page.map(row) : h('tr', {}, h('td', {colspan: 5, class: 'muted'}, 'No agent token.'))));
  root.append(h('h1', {}, 'Agent tokens'), adminTabs('tokens'), form, listAlert.el,
    h('div', {class: 'table-wrap'}, h('table', {}, h('thead', {}, h('tr', {}, ['Name', 'State', 'Expires', 'Created', ''].map(c => h('th', {scope: 'col'}, c)))), body)), list.el);

  function row(t) {
    const revoke = h('button', {type: 'button', class: 'danger small'}, 'Revoke');
    revoke.addEventListener('click', async () => {
      if (!(await confirmAction(`Revoke token ${t.name}?`, 'Agents using it are disconnected and cannot connect again.'))) return;
      try { await busy(revoke, () => scope.del('/v1.0/agent-tokens/' + enc(t.id))); await load(); } catch (err) { listAlert.show(err); }
    });
    const state = t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) < Date.now() ? 'expired' : 'active';
    return h('tr', {'data-token-id': t.id, 'data-state': state}, h('td', {}, t.name), h('td', {}, state), h('td', {}, fmtTime(t.expiresAt)),
      h('td', {}, fmtTime(t.createdAt)), h('td', {}, state === 'active' ? revoke : null));
  }

  async function load() {
    list.set((await scope.get('/v1.0/agent-tokens')).items);
  }

  form.addEventListener('submit', async event => {
    event.preventDefault();
    alert.clear();
    showFieldErrors(form, []);
    fill(issued);
    try {
      const t = await busy(button, () => scope.post('/v1.0/agent-tokens', {name: name.value.trim(), ttlDays: Number(ttl.value)}));
      fill(issued, h('div', {class: 'token-once', 'data-issued-token': ''},
        h('strong', {}, `Token for ${t.name}: copy it now, it is not shown again.`), h('code', {id: 'issued-token'}, t.token), copyButton(t.token)));
      name.value = '';
      await load();
    } catch (err) {
      alert.show(err, form);
    }
  });

  ctx.live(events => { if (events.some(e => e.type.startsWith('agenttoken.'))) load().catch(err => listAlert.show(err)); });
  try { await load(); } catch (err) { if (!isAbort(err)) listAlert.show(err); }
}
