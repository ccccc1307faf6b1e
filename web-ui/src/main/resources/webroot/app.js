// The admin UI's entry: session, navigation, the live connection and the routes.
import {h, fill} from './js/dom.js';
import {session, whenExpired} from './js/api.js';
import * as live from './js/live.js';
import {route, setGuard, navigate, start} from './js/router.js';

const NAV = [
  ['map', 'Map', '/ui/map'],
  ['nodes', 'Nodes', '/ui/nodes'],
  ['components', 'Components', '/ui/components'],
  ['topologies', 'Topologies', '/ui/topologies'],
  ['events', 'Events', '/ui/events'],
  ['admin', 'Admin', '/ui/admin/users'],
];

const view = name => () => import(`./views/${name}.js`);
route('/ui/login', view('login'), {view: 'login', open: true});
route('/ui/map', view('map'), {view: 'map'});
route('/ui/nodes', view('nodes'), {view: 'nodes'});
route('/ui/nodes/:id', view('node'), {view: 'nodes'});
route('/ui/components', view('components'), {view: 'components'});
route('/ui/components/:id', view('components'), {view: 'components'});
route('/ui/topologies', view('topologies'), {view: 'topologies'});
route('/ui/topologies/:id', view('topology'), {view: 'topologies'});
route('/ui/jobs/:id', view('job'), {view: 'topologies'});
route('/ui/events', view('events'), {view: 'events'});
route('/ui/admin/users', view('admin-users'), {view: 'admin', admin: true});
route('/ui/admin/tenants', view('admin-tenants'), {view: 'admin', admin: true});
route('/ui/admin/tokens', view('admin-tokens'), {view: 'admin', admin: true});

setGuard((r, path) => {
  if (path === '/ui/' || path === '/ui' || path === '/ui/admin' || path === '/ui/admin/') {
    return path.startsWith('/ui/admin') ? '/ui/admin/users' : session.token ? '/ui/map' : '/ui/login';
  }
  if (r && r.open) return session.token && r.view === 'login' ? '/ui/map' : null;
  if (!session.token) {
    sessionStorage.setItem('rainhub.after-login', path + location.search);
    return '/ui/login';
  }
  if (r && r.admin && !session.admin) return '/ui/map';
  return null;
});

function renderChrome() {
  const loggedIn = Boolean(session.token);
  const nav = document.getElementById('nav');
  nav.hidden = !loggedIn;
  document.getElementById('session').hidden = !loggedIn;
  if (!loggedIn) { fill(nav); return; }
  fill(nav, h('ul', {}, NAV.filter(([name]) => name !== 'admin' || session.admin).map(([name, label, href]) =>
    h('li', {}, h('a', {href, 'data-view': name}, label)))));
  const who = session.whoami;
  fill(document.getElementById('who'), who ? `${who.username} (${who.tenant}${session.admin ? ', admin' : ''})` : '');
}

document.addEventListener('routechange', event => {
  renderChrome();
  for (const a of document.querySelectorAll('#nav a[data-view]')) {
    if (a.dataset.view === event.detail.view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
});

/** Logged in: start the tab's live connection (idempotent). */
export function loggedIn() {
  renderChrome();
  live.start();
}

function logout(message) {
  live.stop();
  session.clear();
  renderChrome();
  navigate('/ui/login', {state: message ? {message} : {}});
}

whenExpired(() => {
  if (!session.token) return; // several requests refused at once: the first one logs out
  sessionStorage.setItem('rainhub.after-login', location.pathname + location.search);
  logout('Your session expired; log in again');
});
document.getElementById('logout').addEventListener('click', () => logout());
document.addEventListener('rainhub:login', loggedIn);

renderChrome();
if (session.token) live.start();
start();
