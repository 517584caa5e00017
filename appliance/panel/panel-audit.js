// xlive panel: the audit log (scope system:admin) — who did what, when, from where; newest first,
// filtered by action, paged back with the box's cursor ("Load older").
import { $, api, el, can, showError, state, withBusy } from './panel-api.js';

/** The actions the box audits (plugins/auth-local/audit-log.ts), for the filter. */
const ACTIONS = [
  'login.ok', 'login.failed', 'login.locked', 'logout', 'logout.everywhere', 'setup.done', 'setup.refused', 'csrf.refused',
  'user.created', 'user.updated', 'user.deleted', 'user.password-reset', 'token.created', 'token.revoked', 'token.refused',
  'key.created', 'key.rotated', 'key.deleted', 'key.protection-changed', 'playback-token.created', 'playback-token.revoked',
  'play.blocked', 'publish.refused', 'publish.blocked', 'plugin.changed',
];

const PAGE = 50;
/** The paging of the card: the cursor of the next (older) page, null at the end. */
const view = { next: null };

function build() {
  const root = $('people-audit');
  if (root.firstChild) return;
  root.append(
    el(
      'div',
      { class: 'card', id: 'audit-card' },
      el('h2', { text: 'Audit log' }),
      el('p', { class: 'hint', text: 'Sign-ins, accounts, tokens, stream keys and plugin changes: who did what, when and from which address. Newest first.' }),
      el(
        'div',
        { class: 'row' },
        el('label', { for: 'audit-action', text: 'Action' }),
        el('select', { id: 'audit-action' }, el('option', { value: '', text: 'all actions' }), ...ACTIONS.map((a) => el('option', { value: a, text: a }))),
        el('button', { id: 'audit-newest', type: 'button', class: 'secondary', text: 'Show newest' }),
      ),
      el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, ...['When', 'Who', 'What', 'From', 'Details'].map((h) => el('th', { text: h })))), el('tbody', { id: 'audit-body' })),
      el('p', { id: 'audit-empty', class: 'hint', hidden: 'hidden', text: 'Nothing audited with this filter.' }),
      el('p', { id: 'audit-count', class: 'hint', role: 'status' }),
      el('button', { id: 'audit-more', type: 'button', class: 'secondary', hidden: 'hidden', text: 'Load older entries' }),
      el('p', { id: 'audit-error', class: 'error', role: 'alert', hidden: 'hidden' }),
    ),
  );
  $('audit-action').addEventListener('change', () => reload());
  $('audit-newest').addEventListener('click', (ev) => withBusy(ev.currentTarget, reload));
  $('audit-more').addEventListener('click', (ev) => withBusy(ev.currentTarget, () => run(() => loadPage(view.next))));
}

export function enterAudit() {
  $('people-audit').hidden = !can('system:admin');
  if (!can('system:admin')) return;
  build();
  return reload();
}

function reload() {
  return run(() => loadPage(null));
}

async function run(fn) {
  try {
    await fn();
    showError('audit-error', null);
  } catch (err) {
    if (err.status === 401 && state.onSessionEnd) return state.onSessionEnd('Your session ended. Please sign in again.');
    showError('audit-error', err);
  }
}

/** The details of an entry in words: `key: value` pairs. */
function details(d) {
  return Object.entries(d || {})
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

/** Load the first page (`cursor` null) or the next older page, appended. */
async function loadPage(cursor) {
  const action = $('audit-action').value;
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (action) q.set('action', action);
  if (cursor) q.set('cursor', cursor);
  const { items, next } = await api('GET', `api/v1/audit?${q}`);
  const rows = items.map((e) =>
    el(
      'tr',
      {},
      el('td', {}, el('time', { datetime: e.time, text: new Date(e.time).toLocaleString() })),
      el('td', { 'data-label': 'Who', class: 'mono', text: e.actor }),
      el('td', { 'data-label': 'What', class: 'mono', text: e.action }),
      el('td', { 'data-label': 'From', class: 'mono', text: e.ip || '—' }),
      el('td', { 'data-label': 'Details', text: details(e.detail) }),
    ),
  );
  if (cursor) $('audit-body').append(...rows);
  else $('audit-body').replaceChildren(...rows);
  view.next = next;
  const shown = $('audit-body').children.length;
  $('audit-empty').hidden = shown > 0;
  $('audit-more').hidden = !next;
  $('audit-count').textContent = shown ? `${shown} entr${shown === 1 ? 'y' : 'ies'} shown${next ? '; older ones remain' : ', the whole log'}.` : '';
}
