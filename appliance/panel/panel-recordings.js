// xlive panel: the Recordings screen — play in the page, download, delete.
import { $, api, boxUrl, can, el, formatDuration, guarded, withBusy } from './panel-api.js';
import { registerScreen } from './panel-nav.js';
import { playRecording } from './panel-player.js';

registerScreen('recordings', {
  allowed: () => can('recordings:read'),
  enter: () => guarded(loadRecordings, 'recordings-error'),
  refresh: () => guarded(loadRecordings, 'recordings-error'),
});

function formatBytes(n) {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`;
}

/** The recordings, newest first: play in the page, download, delete. */
export async function loadRecordings() {
  const { items } = await api('GET', 'api/v1/recordings?limit=50');
  $('recordings-body').replaceChildren(
    ...items.map((r) =>
      el(
        'tr',
        {},
        el('td', { class: 'mono path' }, r.stream, r.active ? el('span', { class: 'rec', text: 'REC' }) : null),
        el('td', { 'data-label': 'Started', text: new Date(r.startedAt).toLocaleString() }),
        el('td', { 'data-label': 'Length', text: formatDuration(r.durationMs) }),
        el('td', { 'data-label': 'Size', text: formatBytes(r.bytes) }),
        el(
          'td',
          { class: 'actions' },
          el('button', { type: 'button', class: 'secondary', text: 'Play', onclick: () => guarded(() => playRecording(r), 'recordings-error') }),
          el('a', { class: 'button secondary', href: boxUrl(r.downloadUrl), download: '', text: 'Download' }),
          can('recordings:write') && !r.active
            ? el('button', {
                type: 'button',
                class: 'danger',
                text: 'Delete',
                onclick: (ev) => confirm(`Delete the recording of ${r.stream} from ${new Date(r.startedAt).toLocaleString()}? This cannot be undone.`) &&
                  withBusy(ev.currentTarget, () => guarded(async () => {
                    await api('DELETE', `api/v1/recordings/${r.id}`);
                    await loadRecordings();
                  }, 'recordings-error')),
              })
            : null,
        ),
      ),
    ),
  );
  $('recordings-empty').hidden = items.length > 0;
}

