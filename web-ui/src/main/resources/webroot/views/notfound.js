import {h} from '../js/dom.js';

export function render(root) {
  root.append(h('h1', {}, 'Not found'),
    h('p', {}, 'No view lives at ', h('code', {}, location.pathname), '. ', h('a', {href: '/ui/map'}, 'Go to the map'), '.'));
}
