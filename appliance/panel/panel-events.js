// xlive panel: the box's event timeline (publishes, plugin faults, updates, restarts…) on the Box
// screen, with the filters the events API offers (type or kind, at least a severity, one stream) and
// paging back with its cursor. The periodic refresh reloads only the newest page while no filter and
// no older page is shown, so it never throws away what the user paged to.
import { $, api, el, showError } from './panel-api.js';

const PAGE = 50;
const TYPES = [
  ['', 'all types'],
  ['stream.*', 'streams (started, stopped)'],
  ['publish.*', 'refused publishes'],
  ['viewer.*', 'viewers dropped'],
  ['recording.*', 'recordings'],
  ['plugin.*', 'plugins (changed, failed)'],
  ['system.*', 'system (restart, backup, restore)'],
  ['update.*', 'updates'],
  ['health.*', 'health'],
  ['connection.*', 'refused connections'],
];
const SEVERITIES = [
  ['', 'any'],
  ['warn', 'warnings and errors'],
  ['error', 'errors only'],
];

/** What the list shows: the cursor of the next older page, and whether an older page was loaded. */
const view = { next: null, paged: false };

const options = (list) => list.map(([v, text]) => el('option', { value: v, text }));

function build() {
  if ($('events-filters')) return;
  $('events-list').before(
    el(
      'form',
      { id: 'events-filters', class: 'row filters' },
      el('label', { for: 'events-type', text: 'Type' }),
      el('select', { id: 'events-type' }, ...options(TYPES)),
      el('label', { for: 'events-severity', text: 'Severity' }),
      el('select', { id: 'events-severity' }, ...options(SEVERITIES)),
      el('label', { for: 'events-stream', text: 'Stream' }),
      el('input', { id: 'events-stream', placeholder: 'live/stage', maxlength: '200', spellcheck: 'false', autocapitalize: 'none' }),
      el('button', { id: 'events-apply', type: 'submit', text: 'Apply' }),
      el('button', { id: 'events-clear', type: 'button', class: 'secondary', text: 'Newest, no filter' }),
    ),
    el('p', { id: 'events-paused', class: 'hint', role: 'status' }),
  );
  $('events-list').after(
    el('p', { id: 'events-empty', class: 'hint', hidden: 'hidden', text: 'No events with these filters.' }),
    el('button', { id: 'events-more', type: 'button', class: 'secondary', hidden: 'hidden', text: 'Load older events' }),
    el('p', { id: 'events-error', class: 'error', role: 'alert', hidden: 'hidden' }),
  );
  $('events-filters').addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(() => loadPage(null));
  });
  $('events-type').addEventListener('change', () => act(() => loadPage(null)));
  $('events-severity').addEventListener('change', () => act(() => loadPage(null)));
  $('events-clear').addEventListener('click', () => {
    $('events-type').value = '';
    $('events-severity').value = '';
    $('events-stream').value = '';
    act(() => loadPage(null));
  });
  $('events-more').addEventListener('click', () => act(() => loadPage(view.next)));
}

async function act(fn) {
  try {
    await fn();
    showError('events-error', null);
  } catch (err) {
    showError('events-error', err);
  }
}

function query() {
  const q = new URLSearchParams({ limit: String(PAGE) });
  const type = $('events-type').value;
  const severity = $('events-severity').value;
  const stream = $('events-stream').value.trim();
  if (type) q.set('type', type);
  if (severity) q.set('severity', severity);
  if (stream) q.set('stream', stream);
  return q;
}

const filtering = () => [...query().keys()].length > 1;

/**
 * The Box screen's entry and periodic refresh: the newest page, unless the user filters or paged
 * back (then the list stays as it is until they ask for the newest again).
 */
export async function loadEvents() {
  build();
  if (view.paged || filtering()) return;
  await loadPage(null);
}

async function loadPage(cursor) {
  const q = query();
  if (cursor) q.set('cursor', cursor);
  const { items, next } = await api('GET', `api/v1/events?${q}`);
  const rows = items.map((e) =>
    el(
      'li',
      {},
      el('time', { datetime: e.time, text: new Date(e.time).toLocaleString() }),
      el('span', { class: `sev-${e.severity}`, text: `${e.type} ` }),
      e.stream ? el('span', { class: 'mono', text: `${e.stream} ` }) : null,
      el('span', { text: e.message }),
    ),
  );
  if (cursor) $('events-list').append(...rows);
  else $('events-list').replaceChildren(...rows);
  view.next = next;
  view.paged = Boolean(cursor);
  const shown = $('events-list').children.length;
  $('events-empty').hidden = shown > 0;
  $('events-more').hidden = !next;
  $('events-paused').textContent =
    view.paged || filtering()
      ? `${shown} event${shown === 1 ? '' : 's'} shown. New events are not added while you filter or page back: press Apply for the newest with these filters, or "Newest, no filter".`
      : '';
}
