// Where the map's nodes go: rows by kind (rain servers, motherships with their instances inside,
// unplaced instances, topologies with their nodes), sorted by name and wrapped. Deterministic and
// cheap, so 200 nodes stay readable and a new node does not reshuffle the others much.
export function positions(model, aspect = 1.8) {
  const pos = {};
  // Wrap rows so the whole map has about the canvas's shape.
  const WIDTH = Math.max(900, Math.sqrt(model.nodes.size) * 110 * aspect);
  const kids = new Map();
  for (const n of model.nodes.values()) {
    if (n.parent && model.nodes.has(n.parent)) {
      if (!kids.has(n.parent)) kids.set(n.parent, []);
      kids.get(n.parent).push(n);
    }
  }
  const byName = (a, b) => String(a.name).localeCompare(String(b.name), undefined, {numeric: true});
  const roots = kind => [...model.nodes.values()].filter(n => n.kind === kind && !(n.parent && model.nodes.has(n.parent))).sort(byName);
  let y = 0;

  function cell(n) {
    const children = (kids.get(n.id) || []).sort(byName);
    const sx = n.kind === 'topology' ? 120 : 80;
    const sy = 50;
    const cols = Math.max(1, Math.min(6, Math.ceil(Math.sqrt(children.length))));
    const rows = Math.ceil(children.length / cols);
    const w = Math.max(60, cols * sx);
    const h = Math.max(40, rows * sy);
    return {w, h, place(x, top) {
      pos[n.id] = {x, y: top + h / 2};
      children.forEach((c, i) => {
        pos[c.id] = {x: x - w / 2 + sx / 2 + (i % cols) * sx, y: top + sy / 2 + Math.floor(i / cols) * sy};
      });
    }};
  }

  function row(cells) {
    let x = 0;
    let height = 0;
    for (const c of cells) {
      if (x > 0 && x + c.w > WIDTH) { x = 0; y += height + 60; height = 0; }
      c.place(x + c.w / 2, y);
      x += c.w + 50;
      height = Math.max(height, c.h);
    }
    if (cells.length) y += height + 110;
  }

  ['rainserver', 'mothership', 'instance', 'topology', 'topology-node'].forEach(kind => row(roots(kind).map(cell)));
  return pos;
}
