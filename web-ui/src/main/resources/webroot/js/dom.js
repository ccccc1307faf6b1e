// Small DOM helpers: build elements without innerHTML, so API text is never parsed as HTML.

/** h('button', {type: 'button', onclick}, 'Text') — attrs starting with "on" become listeners. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (key === 'value' || key === 'checked' || key === 'selected') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  return append(clear(el), children);
}

/** A state word's colour family, shared by the map and the lists. */
export function stateTone(state) {
  const s = String(state || '').toUpperCase();
  if (['AVAILABLE', 'RUNNING', 'SUCCEEDED', 'ONLINE'].includes(s)) return 'ok';
  if (['LOST', 'FAILED', 'EXPIRED', 'UNPLACED', 'CANCELLED'].includes(s)) return 'bad';
  if (['SUSPECT', 'STOPPING', 'WAITING', 'UPDATING', 'DRAINING'].includes(s)) return 'warn';
  if (['LEFT', 'STOPPED', 'DELETED', 'REMOVED', 'UNREGISTERED'].includes(s)) return 'off';
  return 'busy';
}

export function stateBadge(state) {
  return h('span', {class: 'badge tone-' + stateTone(state), 'data-state-badge': ''}, state || '—');
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

export function fmtCapacity(c) {
  if (!c) return '—';
  return `${num(c.cpu)} cpu · ${num(c.ramMb)} MB · ${num(c.bandwidthMbps)} Mbps`;
}

function num(n) {
  return n === undefined || n === null ? '?' : Math.round(n * 100) / 100;
}

/** A labelled form control: <label for> plus the control plus its error slot. */
export function field(label, control, name) {
  if (!control.id) control.id = 'f-' + (name || label).replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  if (name) control.name = name;
  return h('div', {class: 'field'},
    h('label', {for: control.id}, label),
    control,
    h('p', {class: 'field-error', 'data-error-for': name || control.id, hidden: true}));
}
