// xlive panel: users and roles (scope users:admin) — list with role, state, last sign-in and lockouts
// (read from the audit log when the user may read it), create, change role, disable/enable, set a new
// password, delete. The box refuses what must not happen (the last admin, your own account) and its
// words are shown next to the action.
import { $, api, can, el, guarded, showError, state, withBusy } from './panel-api.js';

const ROLES = [
  ['admin', 'admin — everything, including people, tokens and plugins'],
  ['operator', 'operator — streams, keys and recordings'],
  ['viewer', 'viewer — watch the dashboard only'],
];

const aRole = (role) => `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
const when = (iso) => new Date(iso).toLocaleString();
const hhmm = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function roleSelect(id, selected, label) {
  return el('select', { id, ...(label ? { 'aria-label': label } : {}) }, ...ROLES.map(([v, text]) => el('option', { value: v, text: label ? v : text, ...(v === selected ? { selected: 'selected' } : {}) })));
}

/** Build the card once (the page holds only `#people-users`). */
function build() {
  const root = $('people-users');
  if (root.firstChild) return;
  root.append(
    el(
      'div',
      { class: 'card', id: 'users-card' },
      el('h2', { text: 'Users and roles' }),
      el('p', { class: 'hint', text: 'admin: everything · operator: streams, keys and recordings · viewer: watch only. Changing a role or password signs that user out everywhere.' }),
      el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, ...['Name', 'Role', 'State', 'Last sign-in', ''].map((h) => el('th', { text: h })))), el('tbody', { id: 'users-body' })),
      el('p', { id: 'users-status', class: 'ok', role: 'status' }),
      el('p', { id: 'users-error', class: 'error', role: 'alert', hidden: 'hidden' }),
      el(
        'form',
        { id: 'user-form', autocomplete: 'off' },
        el('h3', { text: 'Add a user' }),
        el('label', { for: 'new-user-name', text: 'Name' }),
        el('input', { id: 'new-user-name', required: 'required', maxlength: '64', autocapitalize: 'none', spellcheck: 'false', autocomplete: 'off' }),
        el('label', { for: 'new-user-role', text: 'Role' }),
        roleSelect('new-user-role', 'operator'),
        el('label', { for: 'new-user-password', text: 'Initial password (at least 10 characters)' }),
        el('input', { id: 'new-user-password', type: 'password', required: 'required', minlength: '10', autocomplete: 'new-password' }),
        el('label', { for: 'new-user-password2', text: 'Password again' }),
        el('input', { id: 'new-user-password2', type: 'password', required: 'required', minlength: '10', autocomplete: 'new-password' }),
        el('button', { id: 'user-add', type: 'submit', text: 'Create user' }),
      ),
      el(
        'form',
        { id: 'reset-form', autocomplete: 'off' },
        el('h3', { text: 'Set a new password' }),
        el('p', { class: 'hint', text: 'Also lifts a sign-in lockout of that name and signs the user out everywhere.' }),
        el('label', { for: 'reset-user', text: 'User' }),
        el('select', { id: 'reset-user', required: 'required' }),
        el('label', { for: 'reset-password', text: 'New password' }),
        el('input', { id: 'reset-password', type: 'password', required: 'required', minlength: '10', autocomplete: 'new-password' }),
        el('label', { for: 'reset-password2', text: 'New password again' }),
        el('input', { id: 'reset-password2', type: 'password', required: 'required', minlength: '10', autocomplete: 'new-password' }),
        el('button', { id: 'reset-submit', type: 'submit', text: 'Set the password' }),
      ),
    ),
  );
  $('user-form').addEventListener('submit', createUser);
  $('reset-form').addEventListener('submit', resetPassword);
}

export function enterUsers() {
  $('people-users').hidden = !can('users:admin');
  if (!can('users:admin')) return;
  build();
  guarded(loadUsers, 'users-error');
}

function done(message) {
  $('users-status').textContent = message;
  showError('users-error', null);
}

function failed(err) {
  $('users-status').textContent = '';
  if (err.status === 401 && state.onSessionEnd) return state.onSessionEnd('Your session ended. Please sign in again.');
  showError('users-error', err);
}

/** Run an action of this card: success in words, or the box's problem in words. */
function act(button, fn, success) {
  return withBusy(button, async () => {
    try {
      await fn();
      done(success);
      await loadUsers();
    } catch (err) {
      failed(err);
    }
  });
}

/**
 * Last sign-in and current lockouts per name, from the audit log (system:admin): the newest
 * `login.ok`, and `login.locked` entries whose lock has not run out yet.
 */
async function signInFacts() {
  const facts = new Map();
  if (!can('system:admin')) return facts;
  const get = (name) => facts.get(name.toLowerCase()) || facts.set(name.toLowerCase(), { last: null, lockedUntil: 0 }).get(name.toLowerCase());
  const [ok, setup, locked] = await Promise.all(
    ['login.ok&limit=500', 'setup.done&limit=1', 'login.locked&limit=100'].map((q) => api('GET', `api/v1/audit?action=${q}`)),
  );
  // Setup signs the first admin in too.
  for (const e of [...ok.items, ...setup.items]) {
    if (!e.actor.startsWith('user:')) continue;
    const f = get(e.actor.slice(5));
    if (!f.last || e.time > f.last) f.last = e.time;
  }
  for (const e of locked.items) {
    const name = e.detail && typeof e.detail.username === 'string' ? e.detail.username : '';
    if (!name || (e.detail.what && e.detail.what !== 'login')) continue;
    const until = Date.parse(e.time) + Number(e.detail.seconds || 0) * 1000;
    const f = get(name);
    if (until > Date.now() && until > f.lockedUntil) f.lockedUntil = until;
  }
  return facts;
}

async function loadUsers() {
  const [{ items }, facts] = await Promise.all([api('GET', 'api/v1/users?limit=500'), signInFacts()]);
  const me = state.user && state.user.id;
  $('users-body').replaceChildren(...items.map((u) => userRow(u, u.id === me, facts.get(u.username.toLowerCase()))));
  const pick = $('reset-user');
  const kept = pick.value;
  pick.replaceChildren(...items.map((u) => el('option', { value: String(u.id), text: u.username })));
  if (items.some((u) => String(u.id) === kept)) pick.value = kept;
}

function userRow(u, isMe, f) {
  const roleId = `role-${u.id}`;
  const stateText = [u.disabled ? 'disabled' : 'active'];
  if (f && f.lockedUntil) stateText.push(`sign-in locked until ${hhmm(f.lockedUntil)}`);
  return el(
    'tr',
    { 'data-user': u.username },
    el('td', { class: 'mono' }, u.username, isMe ? el('span', { class: 'hint', text: ' (you)' }) : null),
    el('td', { 'data-label': 'Role' }, roleSelect(roleId, u.role, `Role of ${u.username}`)),
    el('td', { 'data-label': 'State', class: u.disabled || (f && f.lockedUntil) ? 'sev-warn' : '', text: stateText.join(', ') }),
    el('td', { 'data-label': 'Last sign-in', text: !can('system:admin') ? '—' : f && f.last ? when(f.last) : 'none in the audit log' }),
    el(
      'td',
      { class: 'actions' },
      el('button', {
        type: 'button',
        class: 'secondary',
        text: 'Change role',
        'aria-label': `Change role of ${u.username}`,
        onclick: (ev) => {
          const role = $(roleId).value;
          if (role === u.role) return done(`${u.username} already has the role ${role}.`);
          if (!confirm(`Make ${u.username} ${aRole(role)}? They are signed out everywhere.`)) return;
          act(ev.currentTarget, () => api('PATCH', `api/v1/users/${u.id}`, { role }), `${u.username} is now ${aRole(role)}.`);
        },
      }),
      el('button', {
        type: 'button',
        class: 'secondary',
        text: u.disabled ? 'Enable' : 'Disable',
        'aria-label': `${u.disabled ? 'Enable' : 'Disable'} ${u.username}`,
        onclick: (ev) => {
          if (!u.disabled && !confirm(`Disable ${u.username}? They are signed out and cannot sign in until enabled again.`)) return;
          act(ev.currentTarget, () => api('PATCH', `api/v1/users/${u.id}`, { disabled: !u.disabled }), `${u.username} is ${u.disabled ? 'enabled' : 'disabled'}.`);
        },
      }),
      el('button', {
        type: 'button',
        class: 'danger',
        text: 'Delete',
        'aria-label': `Delete ${u.username}`,
        onclick: (ev) =>
          confirm(`Delete the user ${u.username}? Their sessions and API tokens end at once.`) &&
          act(ev.currentTarget, () => api('DELETE', `api/v1/users/${u.id}`), `${u.username} was deleted.`),
      }),
    ),
  );
}

function createUser(ev) {
  ev.preventDefault();
  const username = $('new-user-name').value.trim();
  const password = $('new-user-password').value;
  if (password !== $('new-user-password2').value) return failed(new Error('The two passwords are different.'));
  const role = $('new-user-role').value;
  act(
    $('user-add'),
    async () => {
      await api('POST', 'api/v1/users', { username, role, password });
      for (const id of ['new-user-name', 'new-user-password', 'new-user-password2']) $(id).value = '';
    },
    `${username} was created as ${aRole(role)}.`,
  );
}

function resetPassword(ev) {
  ev.preventDefault();
  const pick = $('reset-user');
  const name = pick.selectedOptions[0] ? pick.selectedOptions[0].textContent : '';
  const password = $('reset-password').value;
  if (password !== $('reset-password2').value) return failed(new Error('The two passwords are different.'));
  if (!confirm(`Set a new password for ${name}? They are signed out everywhere.`)) return;
  act(
    $('reset-submit'),
    async () => {
      await api('PATCH', `api/v1/users/${pick.value}`, { password });
      $('reset-password').value = '';
      $('reset-password2').value = '';
    },
    `${name} has a new password.`,
  );
}
