// A job's live picture: [data-job-id] with its state, each stage [data-stage] with a <progress>.
// job.* events change it in place (applyEvent), without reading the job again.
import {h, fill, stateBadge, fmtTime} from './dom.js';

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const DONE = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export class JobView {
  constructor(job) {
    this.job = job;
    this.el = h('section', {class: 'card job'});
    this.render();
  }

  get ended() { return TERMINAL.includes(this.job.state); }

  render() {
    const j = this.job;
    const p = j.progress || {done: 0, total: 0};
    fill(this.el, h('div', {'data-job-id': j.id, 'data-state': j.state},
      h('h2', {}, `Job ${j.kind} `, stateBadge(j.state)),
      h('p', {}, h('progress', {value: p.done, max: Math.max(1, p.total), 'aria-label': 'Job progress'}), ` ${p.done}/${p.total} tasks`,
        h('span', {class: 'muted'}, ` · started ${fmtTime(j.startedAt || j.createdAt)}${j.endedAt ? ' · ended ' + fmtTime(j.endedAt) : ''}`)),
      j.error ? this.error(j.error) : null,
      (j.workflows || []).map(w => h('div', {class: 'workflow', 'data-workflow': w.component},
        h('h3', {}, w.component, ' ', stateBadge(w.state)),
        (w.stages || []).map(s => this.stage(w, s))))));
  }

  stage(w, s) {
    const tasks = s.tasks || [];
    const done = s.progress ? s.progress.done : tasks.filter(t => DONE.includes(t.state)).length;
    const total = s.progress ? s.progress.total : tasks.length;
    const failed = tasks.find(t => t.state === 'FAILED');
    const waiting = tasks.find(t => t.detail);
    return h('div', {class: 'stage', 'data-stage': s.name, 'data-workflow': w.component, 'data-state': s.state},
      h('span', {}, s.name),
      // A stage without tasks (start) is full once it succeeded.
      h('progress', {value: total ? done : s.state === 'SUCCEEDED' ? 1 : 0, max: total || 1, 'aria-label': `${w.component} ${s.name}: ${done} of ${total}`}),
      h('span', {}, stateBadge(s.state), ` ${done}/${total}`),
      failed ? h('p', {class: 'field-error'}, `${failed.script || ''} on ${failed.nodeName} exited with code ${failed.exitCode}`) : null,
      !failed && waiting && s.state !== 'SUCCEEDED' ? h('p', {class: 'muted'}, waiting.detail) : null);
  }

  error(e) {
    return h('div', {class: 'alert error', role: 'alert'}, h('strong', {}, e.message || 'The job failed'),
      e.lastLines && e.lastLines.length ? h('pre', {}, e.lastLines.join('\n')) : null);
  }

  /** Applies one event; returns true when it concerned this job. */
  applyEvent(e) {
    const p = e.payload || {};
    if ((p.jobId || p.id) !== this.job.id) return false;
    if (e.type === 'job.task') {
      const w = (this.job.workflows || []).find(x => x.id === p.workflow);
      const s = w && (w.stages || []).find(x => x.name === p.stage);
      if (s) {
        s.state = p.stageState || s.state;
        s.tasks = s.tasks || [];
        const i = s.tasks.findIndex(t => t.id === p.task.id);
        if (i >= 0) s.tasks[i] = p.task; else s.tasks.push(p.task);
        delete s.progress; // recounted from the tasks
        if (w.state === 'PENDING') w.state = 'RUNNING';
      }
      if (p.progress) this.job.progress = p.progress;
      if (this.job.state === 'PENDING') this.job.state = 'RUNNING';
    } else if (e.type.startsWith('job.')) {
      Object.assign(this.job, {...p, workflows: this.job.workflows});
    }
    return true;
  }
}
