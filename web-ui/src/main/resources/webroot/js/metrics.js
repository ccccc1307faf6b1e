// Agents' metrics are not events (heartbeats are kept in memory, not logged), so the nodes views
// poll GET /v1.0/agents, at most every 5 s and only while open, and chart the history here.
import {h} from './dom.js';
import {all} from './api.js';
import * as loader from './loader.js';

export const POLL_MS = 5000;
const KEEP = 60;
const history = new Map(); // nodeId -> {t: [], cpu: [], mem: [], last}

/** Reads every agent once and records its metrics; returns the agents by node id. */
export async function pollAgents(scope) {
  const agents = await all(scope, '/v1.0/agents', 1000);
  const byId = new Map();
  for (const a of agents) {
    byId.set(a.nodeId, a);
    const m = a.metrics;
    if (!m || !m.reportedAt) continue;
    const series = history.get(a.nodeId) || {t: [], cpu: [], mem: [], last: null};
    if (series.last === m.reportedAt) continue;
    series.last = m.reportedAt;
    series.t.push(Date.parse(m.reportedAt) / 1000);
    series.cpu.push(cpuPercent(m));
    series.mem.push(memPercent(m));
    for (const key of ['t', 'cpu', 'mem']) if (series[key].length > KEEP) series[key].shift();
    history.set(a.nodeId, series);
  }
  return byId;
}

export function cpuPercent(m) {
  const cpu = typeof m?.cpu === 'number' ? m.cpu : m?.cpu?.load;
  return typeof cpu === 'number' ? Math.round(cpu * 1000) / 10 : null;
}

export function memPercent(m) {
  const mem = m?.memory;
  return mem && mem.totalMb ? Math.round((mem.usedMb / mem.totalMb) * 1000) / 10 : null;
}

export function describe(m) {
  if (!m) return 'no metrics yet';
  const cpu = cpuPercent(m);
  const mem = memPercent(m);
  return [cpu === null ? null : `cpu ${cpu}%`, mem === null ? null : `memory ${mem}%`].filter(Boolean).join(', ') || 'reported';
}

/** A small cpu/memory chart for one node, or null when it has fewer than two points. */
export class Chart {
  constructor(nodeId, width = 160, height = 48) {
    this.nodeId = nodeId;
    this.width = width;
    this.height = height;
    this.el = h('div', {class: 'chart', role: 'img', 'aria-label': 'cpu and memory over the last minutes'});
    this.plot = null;
  }

  async update() {
    const s = history.get(this.nodeId);
    if (!s || s.t.length < 2) return;
    await loader.script(loader.UPLOT);
    loader.css(loader.UPLOT_CSS);
    const data = [s.t, s.cpu, s.mem];
    if (this.plot) { this.plot.setData(data); return; }
    this.plot = new window.uPlot({
      width: this.width, height: this.height, legend: {show: false}, cursor: {show: false},
      scales: {y: {range: [0, 100]}},
      axes: [{show: false}, {show: false}],
      series: [{}, {stroke: '#0a58ca', width: 1.5, label: 'cpu %', points: {show: false}}, {stroke: '#bf8700', width: 1.5, label: 'memory %', points: {show: false}}],
    }, data, this.el);
  }

  destroy() {
    if (this.plot) this.plot.destroy();
  }
}
