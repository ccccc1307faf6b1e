// The admin views' own tabs.
import {h} from '../js/dom.js';

export function adminTabs(current) {
  const tabs = [['users', 'Users'], ['tenants', 'Tenants'], ['tokens', 'Agent tokens']];
  return h('nav', {class: 'actions', 'aria-label': 'Admin'}, tabs.map(([name, label]) =>
    h('a', {href: '/ui/admin/' + name, 'aria-current': name === current ? 'page' : null}, label)));
}
