// Cytoscape styles of the map: colour by state tone, shape by kind, members inside their group.
const FILL = {ok: '#2da44e', busy: '#0969da', warn: '#bf8700', bad: '#cf222e', off: '#8c959f'};

export const mapStyle = [
  {selector: 'node', style: {
    label: 'data(label)', 'font-size': 10, color: '#1d2733', 'text-valign': 'bottom', 'text-margin-y': 4,
    'text-wrap': 'ellipsis', 'text-max-width': 110, width: 22, height: 22,
    'background-color': ele => FILL[ele.data('tone')] || FILL.busy}},
  {selector: 'node[kind = "rainserver"]', style: {shape: 'round-rectangle', width: 34, height: 22}},
  {selector: 'node[kind = "mothership"]', style: {shape: 'round-rectangle', width: 30, height: 30}},
  {selector: 'node[kind = "instance"]', style: {shape: 'ellipse', width: 16, height: 16, 'font-size': 8}},
  {selector: 'node[kind = "topology-node"]', style: {shape: 'hexagon', width: 20, height: 20, 'font-size': 8}},
  {selector: 'node[draining = 1]', style: {'border-style': 'dashed', 'border-width': 3, 'border-color': '#bf8700'}},
  {selector: ':parent', style: {
    'background-opacity': 0.07, 'background-color': ele => FILL[ele.data('tone')] || FILL.busy,
    'border-width': 2, 'border-color': ele => FILL[ele.data('tone')] || FILL.busy,
    'text-valign': 'top', 'text-margin-y': -4, 'font-size': 11, 'font-weight': 'bold', padding: 10}},
  {selector: 'node[kind = "topology"]', style: {shape: 'round-rectangle', 'border-style': 'dotted'}},
  {selector: 'edge', style: {width: 1.5, 'curve-style': 'bezier', 'line-color': '#8c959f',
    'target-arrow-shape': 'triangle', 'target-arrow-color': '#8c959f', 'arrow-scale': 0.7}},
  {selector: 'edge[kind = "replica"]', style: {'line-style': 'dashed', 'line-color': '#0969da', 'target-arrow-color': '#0969da'}},
  {selector: ':selected', style: {'border-width': 4, 'border-color': '#0a58ca', 'border-style': 'solid'}},
];
