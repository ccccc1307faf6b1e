// A job's live stage progress; cancel while it runs.
import {h, fill} from '../js/dom.js';
import {isAbort, enc} from '../js/api.js';
import {alertBox, confirmAction, busy} from '../js/ui.js';
import {JobView} from '../js/jobview.js';

export async function render(root, ctx) {
  const {scope, params} = ctx;
  const alert = alertBox();
  const actions = h('div', {class: 'actions'});
  const holder = h('div');
  let view = null;
  let refetch = null;
  root.append(h('h1', {}, 'Job'), alert.el, actions, holder);

  async function load() {
    const job = await scope.get('/v1.0/jobs/' + enc(params.id));
    view = new JobView(job);
    fill(holder, view.el);
    renderActions();
  }

  function renderActions() {
    const j = view.job;
    const cancel = h('button', {type: 'button', class: 'danger'}, 'Cancel job');
    cancel.addEventListener('click', async () => {
      if (!(await confirmAction('Cancel this job?', 'Running scripts finish; nothing new starts.'))) return;
      try { await busy(cancel, () => scope.del('/v1.0/jobs/' + enc(j.id))); await load(); } catch (err) { alert.show(err); }
    });
    fill(actions, h('a', {href: '/ui/topologies/' + enc(j.topologyId)}, 'Topology'), view.ended ? null : cancel);
  }

  ctx.live((events, info) => {
    if (info.resync) { load().catch(err => alert.show(err)); return; }
    if (!view) return;
    let mine = false;
    for (const e of events) {
      if (view.applyEvent(e)) {
        mine = true;
        // A stage the job did not have yet when read (a task of a new workflow): read it once more.
        if (e.type === 'job.task' && !(view.job.workflows || []).some(w => w.id === e.payload.workflow)) refetch = true;
        if (/^job\.(succeeded|failed|cancelled)$/.test(e.type)) refetch = true;
      }
    }
    if (!mine) return;
    view.render();
    renderActions();
    if (refetch) { refetch = null; load().catch(err => alert.show(err)); }
  });

  try {
    await load();
  } catch (err) {
    if (!isAbort(err)) alert.show(err);
  }
}
