// The login form: labels "Username" and "Password", button "Log in", errors in [role=alert].
import {h} from '../js/dom.js';
import {login, ApiError} from '../js/api.js';

export function render(root, ctx) {
  const alert = h('p', {role: 'alert', class: 'alert error', hidden: true});
  const notice = ctx.state.message;
  const username = h('input', {id: 'username', name: 'username', autocomplete: 'username', required: true});
  const password = h('input', {id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true});
  const button = h('button', {type: 'submit'}, 'Log in');
  const form = h('form', {class: 'login card', novalidate: true},
    h('h1', {}, 'Log in to Rain Hub'),
    notice ? h('p', {role: 'alert', class: 'alert info', id: 'login-notice'}, notice) : null,
    alert,
    h('div', {class: 'field'}, h('label', {for: 'username'}, 'Username'), username),
    h('div', {class: 'field'}, h('label', {for: 'password'}, 'Password'), password),
    h('div', {class: 'actions'}, button));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    alert.hidden = true;
    if (!username.value || !password.value) {
      alert.hidden = false;
      alert.textContent = 'Enter a username and a password.';
      (username.value ? password : username).focus();
      return;
    }
    button.disabled = true;
    button.textContent = 'Logging in…';
    try {
      await login(username.value.trim(), password.value);
      document.dispatchEvent(new CustomEvent('rainhub:login'));
      const next = sessionStorage.getItem('rainhub.after-login');
      sessionStorage.removeItem('rainhub.after-login');
      ctx.navigate(next && next.startsWith('/ui/') && !next.startsWith('/ui/login') ? next : '/ui/map', {replace: true});
    } catch (err) {
      alert.hidden = false;
      alert.textContent = err instanceof ApiError
        ? (err.status === 401 ? 'Wrong username or password.' : `${err.title}: ${err.problem.detail || ''}`)
        : 'Login failed: ' + err.message;
      password.select();
    } finally {
      button.disabled = false;
      button.textContent = 'Log in';
    }
  });
  root.append(form);
  username.focus();
}
