// Shared pieces of the views: confirmation dialog, problems in words, pagination, busy buttons.
import {h, fill} from './dom.js';
import {ApiError, isAbort} from './api.js';

/** Opens a <dialog>; resolves true only on "Confirm". */
export function confirmAction(title, detail, confirmLabel = 'Confirm') {
  return new Promise(resolve => {
    const dialog = h('dialog', {class: 'confirm', 'aria-labelledby': 'confirm-title'},
      h('h2', {id: 'confirm-title'}, title),
      detail ? h('p', {}, detail) : null,
      h('form', {method: 'dialog', class: 'actions'},
        h('button', {type: 'submit', value: 'cancel', class: 'secondary'}, 'Cancel'),
        h('button', {type: 'submit', value: 'confirm', class: 'danger'}, confirmLabel)));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
    // Focus Cancel, so Enter does not destroy by accident.
    dialog.querySelector('button[value=cancel]').focus();
  });
}

/** An alert region for a view or form; show(err) renders a problem, clear() empties it. */
export function alertBox() {
  const el = h('div', {role: 'alert', class: 'alert', hidden: true});
  return {
    el,
    clear() { el.hidden = true; fill(el); },
    info(text) { el.hidden = false; el.className = 'alert info'; fill(el, text); },
    show(err, scopeEl) {
      if (isAbort(err)) return;
      el.hidden = false;
      el.className = 'alert error';
      const fields = err instanceof ApiError ? err.fields : [];
      const title = err instanceof ApiError ? err.title : 'Something went wrong';
      const detail = err instanceof ApiError ? err.problem.detail : err.message;
      const unplaced = showFieldErrors(scopeEl, fields);
      fill(el, h('strong', {}, title), detail ? h('span', {}, ' — ' + detail) : null,
        unplaced.length ? h('ul', {}, unplaced.map(f =>
          h('li', {'data-error-for': f.name}, `${f.name}: ${f.reason}`))) : null);
    },
  };
}

/** Puts each invalid-param next to its field ([data-error-for]); returns those without one. */
export function showFieldErrors(scopeEl, fields) {
  if (!scopeEl) return fields;
  scopeEl.querySelectorAll('.field-error[data-error-for]').forEach(p => { p.hidden = true; p.textContent = ''; });
  scopeEl.querySelectorAll('[aria-invalid]').forEach(c => c.removeAttribute('aria-invalid'));
  const left = [];
  for (const f of fields) {
    const slot = [...scopeEl.querySelectorAll('.field-error[data-error-for]')]
      .find(p => p.dataset.errorFor === f.name);
    if (!slot) { left.push(f); continue; }
    slot.hidden = false;
    slot.textContent = f.reason;
    const control = slot.parentElement.querySelector('input, select, textarea');
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', slot.id || (slot.id = 'err-' + control.id));
    }
  }
  return left;
}

/** Runs fn while the button says it is busy (disabled, aria-busy, a progress bar beside it). */
export async function busy(button, fn) {
  const bar = h('progress', {class: 'inline-progress', 'aria-label': button.textContent + ' in progress'});
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.after(bar);
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    bar.remove();
  }
}

/** Client-side pages of a list: render(pageItems) is called with each page. */
export function pager(size, render) {
  let items = [];
  let page = 0;
  const status = h('span', {class: 'pager-status', 'aria-live': 'polite'});
  const prev = h('button', {type: 'button', class: 'secondary', onclick: () => go(page - 1)}, 'Previous');
  const next = h('button', {type: 'button', class: 'secondary', onclick: () => go(page + 1)}, 'Next');
  const el = h('nav', {class: 'pager', 'aria-label': 'Pages'}, prev, status, next);
  function go(p) {
    const pages = Math.max(1, Math.ceil(items.length / size));
    page = Math.min(Math.max(0, p), pages - 1);
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    status.textContent = items.length ? `${page * size + 1}–${Math.min(items.length, (page + 1) * size)} of ${items.length}` : 'none';
    el.hidden = items.length <= size;
    render(items.slice(page * size, (page + 1) * size));
  }
  return {
    el,
    set(list) { items = list; go(page); },
    get items() { return items; },
  };
}

export function copyButton(text) {
  const button = h('button', {type: 'button', class: 'secondary'}, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = 'Copied';
    } catch (e) {
      button.textContent = 'Select and copy it by hand';
    }
  });
  return button;
}
