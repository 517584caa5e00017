// xlive panel: the dashboard (live streams, stream keys, events, plugins), refreshed every few seconds.
import { $, api, can, copyFrom, el, formatDuration, show, showError, state, withBusy } from './panel-api.js';
import { enterBox } from './panel-box.js';
import { enterTokens } from './panel-tokens.js';

const REFRESH_MS = 5000;

export function enterDashboard(session) {
  state.csrf = session.csrfToken;
  state.user = session.user;
  $('user-name').textContent = session.user.username;
  $('user-role').textContent = session.user.role;
  $('key-form').hidden = !can('streams:write');
  $('recordings-card').hidden = !can('recordings:read');
  enterBox();
  enterTokens();
  show('view-dashboard');
  refreshAll();
  clearInterval(state.timer);
  state.timer = setInterval(refreshLive, REFRESH_MS);
}

export function leaveDashboard(message) {
  clearInterval(state.timer);
  state.csrf = null;
  state.user = null;
  show('view-login');
  showError('login-error', message ? new Error(message) : null);
  $('login-password').value = '';
  $('login-username').focus();
}

/** A call from the dashboard: a 401 means the session ended (logged out elsewhere, expired). */
async function guarded(fn, errorId) {
  try {
    await fn();
    if (errorId) showError(errorId, null);
  } catch (err) {
    if (err.status === 401) return leaveDashboard('Your session ended. Please sign in again.');
    showError(errorId || 'global-error', err);
  }
}

function refreshAll() {
  refreshLive();
  guarded(loadKeys, 'keys-error');
  guarded(loadPlugins);
}

function refreshLive() {
  if (can('system:read')) guarded(loadHealth);
  guarded(loadStreams);
  guarded(loadEvents);
  if (can('recordings:read')) guarded(loadRecordings, 'recordings-error');
}

const SVG = 'http://www.w3.org/2000/svg';

/** A small line chart of `values` (oldest first), scaled to its own maximum. */
function sparkline(values, label) {
  const w = 120;
  const h = 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`).join(' '));
  svg.append(line);
  return svg;
}

/** Bitrate and viewer charts of the last minutes per stream, from the box's bounded history. */
async function historyCharts(paths) {
  const out = new Map();
  await Promise.all(
    paths.map(async (path) => {
      const h = await api('GET', `/api/v1/streams/${path}/history`).catch(() => null);
      if (!h || h.points.length < 2) return;
      const minutes = Math.round(h.windowMs / 60000);
      out.set(path, {
        bitrate: sparkline(h.points.map((p) => p.bitrateBps), `bitrate over the last ${minutes} minutes`),
        viewers: sparkline(h.points.map((p) => p.readers), `viewers over the last ${minutes} minutes`),
      });
    }),
  );
  return out;
}

/**
 * The health banner: every check that is not ok (disk, temperature, throttling, plugins, …) in words,
 * red when one fails, amber for warnings; hidden when all is well.
 */
async function loadHealth() {
  const sys = await api('GET', '/api/v1/system');
  const bad = sys.health.checks.filter((c) => c.status !== 'ok');
  const banner = $('health-banner');
  banner.hidden = bad.length === 0;
  banner.className = `health ${sys.health.status}`;
  banner.replaceChildren(
    el('strong', { text: sys.health.status === 'fail' ? 'The box has a problem: ' : 'Needs attention: ' }),
    ...bad.map((c, i) => el('span', { text: `${i ? '; ' : ''}${c.name}${c.message ? ` — ${c.message}` : ''}` })),
  );
}

/** The recordings still running, by stream path (the REC badge and the Record toggle). */
async function runningRecordings() {
  if (!can('recordings:read')) return new Map();
  const { items } = await api('GET', '/api/v1/recordings?limit=100');
  return new Map(items.filter((r) => r.active).map((r) => [r.stream, r]));
}

function recordToggle(path, running) {
  if (!can('recordings:write')) return null;
  return el('button', {
    type: 'button',
    class: running ? 'danger' : 'secondary',
    text: running ? 'Stop recording' : 'Record',
    onclick: (ev) => withBusy(ev.currentTarget, () => guarded(async () => {
      await api(running ? 'DELETE' : 'POST', `/api/v1/streams/${path}/recording`);
      await loadStreams();
      await loadRecordings();
    }, 'recordings-error')),
  });
}

async function loadStreams() {
  const [{ items }, recording] = await Promise.all([api('GET', '/api/v1/streams?limit=500'), runningRecordings()]);
  const charts = await historyCharts(items.map((s) => s.path));
  const body = $('streams-body');
  body.replaceChildren(
    ...items.map((s) => {
      const v = s.media && s.media.video;
      const a = s.media && s.media.audio;
      const video = v ? `${v.codec}${v.width ? ` ${v.width}×${v.height}` : ''}${s.ingest.fps ? ` ${Math.round(s.ingest.fps)} fps` : ''}` : '–';
      const audio = a ? `${a.codec}${a.sampleRate ? ` ${Math.round(a.sampleRate / 1000)} kHz` : ''}${a.channels ? ` ${a.channels} ch` : ''}` : '–';
      const stop = can('streams:write')
        ? el('button', {
            type: 'button',
            class: 'danger',
            text: 'Stop',
            onclick: () => confirm(`Disconnect the encoder of ${s.path}?`) && guarded(async () => {
              await api('DELETE', `/api/v1/streams/${s.path}`);
              await loadStreams();
            }),
          })
        : null;
      return el(
        'tr',
        {},
        el('td', { class: 'mono path' }, s.path, recording.has(s.path) ? el('span', { class: 'rec', title: 'Recording now', text: 'REC' }) : null),
        el('td', { 'data-label': 'Video', text: video }),
        el('td', { 'data-label': 'Audio', text: audio }),
        el('td', { 'data-label': 'Bitrate' }, `${Math.round(s.ingest.bitrateBps / 1000)} kbit/s `, charts.get(s.path)?.bitrate ?? null),
        el('td', { 'data-label': 'Viewers' }, `${s.readers} `, charts.get(s.path)?.viewers ?? null),
        el('td', { 'data-label': 'Live for', text: formatDuration(s.uptimeMs) }),
        el(
          'td',
          { class: 'actions' },
          el('button', { type: 'button', class: 'secondary', text: 'Preview', onclick: () => guarded(() => previewLive(s.path)) }),
          recordToggle(s.path, recording.has(s.path)),
          stop,
        ),
      );
    }),
  );
  $('streams-empty').hidden = items.length > 0;
}

function showNewKey(res, title) {
  $('new-key-title').textContent = title;
  $('new-key-server').value = res.publish.server;
  $('new-key-key').value = res.key;
  $('new-key-url').value = res.publish.url;
  $('new-key').hidden = false;
  $('new-key').scrollIntoView({ behavior: 'smooth', block: 'center' });
}

function watchLinks(k) {
  const origin = location.origin;
  const hls = `${origin}/hls/${k.path}/index.m3u8`;
  const flv = `${origin}/flv/${k.path}.flv`;
  const box = el('div', {}, el('div', { class: 'mono', text: hls }), el('div', { class: 'mono', text: flv }));
  if (k.protected) {
    box.append(
      el('button', {
        type: 'button',
        class: 'secondary',
        text: 'Make a 6-hour link',
        onclick: () => guarded(async () => {
          const t = await api('POST', '/api/v1/playback-tokens', { path: k.path });
          box.append(el('input', { readonly: 'readonly', value: `${hls}?${t.query}` }));
        }, 'keys-error'),
      }),
    );
  }
  return box;
}

async function loadKeys() {
  const { items, publishAuth } = await api('GET', '/api/v1/stream-keys?limit=500');
  $('publish-policy').textContent =
    publishAuth === 'open'
      ? 'Publishing is OPEN: any encoder that reaches this box may publish (lab mode).'
      : 'Encoders need the stream key to publish. Playback is public unless a stream is protected.';
  const write = can('streams:write');
  $('keys-body').replaceChildren(
    ...items.map((k) => {
      const actions = el('td', { class: 'actions' });
      if (write) {
        actions.append(
          el('button', {
            type: 'button',
            text: 'Rotate key',
            onclick: () => confirm(`Make a new key for ${k.path}? The old key stops working at once.`) && guarded(async () => {
              showNewKey(await api('POST', `/api/v1/stream-keys/${k.path}/rotation`), `New key for ${k.path}`);
              await loadKeys();
            }, 'keys-error'),
          }),
          el('button', {
            type: 'button',
            class: 'secondary',
            text: k.protected ? 'Make public' : 'Protect',
            onclick: () => guarded(async () => {
              await api('PATCH', `/api/v1/stream-keys/${k.path}`, { protected: !k.protected });
              await loadKeys();
            }, 'keys-error'),
          }),
          ...(k.protected
            ? [
                el('button', {
                  type: 'button',
                  class: 'secondary',
                  text: 'Revoke links',
                  onclick: () => confirm(`Void every link given out for ${k.path}? People watching are disconnected.`) && guarded(async () => {
                    await api('POST', `/api/v1/stream-keys/${k.path}/playback-revocation`);
                    await loadKeys();
                  }, 'keys-error'),
                }),
              ]
            : []),
          el('button', {
            type: 'button',
            class: 'danger',
            text: 'Delete',
            onclick: () => confirm(`Delete ${k.path} and its key?`) && guarded(async () => {
              await api('DELETE', `/api/v1/stream-keys/${k.path}`);
              await loadKeys();
            }, 'keys-error'),
          }),
        );
      }
      return el(
        'tr',
        {},
        el('td', { class: 'mono path', text: k.path }),
        el('td', { class: 'mono', 'data-label': 'Key', text: `#${k.fingerprint}, since ${new Date(k.rotatedAt).toLocaleString()}` }),
        el('td', { 'data-label': 'Playback', text: k.protected ? 'Protected (needs a link)' : 'Public' }),
        el('td', { 'data-label': 'Watch' }, watchLinks(k)),
        actions,
      );
    }),
  );
}

$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const path = $('key-path').value.trim();
  withBusy($('key-add'), () =>
    guarded(async () => {
      showNewKey(await api('POST', '/api/v1/stream-keys', { path }), `Key for ${path}`);
      $('key-path').value = '';
      await loadKeys();
    }, 'keys-error'),
  );
});

$('new-key-close').addEventListener('click', () => {
  for (const id of ['new-key-server', 'new-key-key', 'new-key-url']) $(id).value = '';
  $('new-key').hidden = true;
});

document.addEventListener('click', (ev) => {
  const target = ev.target.closest && ev.target.closest('[data-copy]');
  if (target) copyFrom($(target.getAttribute('data-copy')));
});

async function loadPlugins() {
  const { items } = await api('GET', '/api/v1/plugins?limit=500');
  $('plugins-body').replaceChildren(
    ...items.map((p) =>
      el(
        'tr',
        {},
        el('td', { class: 'mono', text: p.id }),
        el('td', { text: p.version || '–' }),
        el('td', { class: `state-${p.state}`, text: p.state }),
        el('td', { text: p.error ? `${p.error.code}: ${p.error.message}` : consentNote(p) }),
      ),
    ),
  );
}

/** A third-party plugin waits for an admin to confirm the permissions it declares. */
function consentNote(p) {
  if (!p.consentPending) return '';
  const perms = p.permissions && p.permissions.length ? p.permissions.join(', ') : 'none';
  return `third-party plugin, disabled until an admin consents to its permissions (${perms}): xlive plugins enable ${p.id}`;
}

async function loadEvents() {
  const { items } = await api('GET', '/api/v1/events?limit=50');
  $('events-list').replaceChildren(
    ...items.map((e) =>
      el(
        'li',
        {},
        el('time', { datetime: e.time, text: new Date(e.time).toLocaleTimeString() }),
        el('span', { class: `sev-${e.severity}`, text: `${e.type} ` }),
        el('span', { text: e.message }),
      ),
    ),
  );
}

function formatBytes(n) {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`;
}

/** The recordings, newest first: play in the page, download, delete. */
async function loadRecordings() {
  const { items } = await api('GET', '/api/v1/recordings?limit=50');
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
          el('a', { class: 'button secondary', href: r.downloadUrl, download: '', text: 'Download' }),
          can('recordings:write') && !r.active
            ? el('button', {
                type: 'button',
                class: 'danger',
                text: 'Delete',
                onclick: (ev) => confirm(`Delete the recording of ${r.stream} from ${new Date(r.startedAt).toLocaleString()}? This cannot be undone.`) &&
                  withBusy(ev.currentTarget, () => guarded(async () => {
                    await api('DELETE', `/api/v1/recordings/${r.id}`);
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

/** hls.js (light build, served by the box) is loaded only when a recording is first played. */
let hlsLoaded;
function loadHls() {
  hlsLoaded ??= new Promise((resolve, reject) => {
    const script = el('script', { src: 'panel/hls-light.js' });
    script.onload = () => resolve(window.Hls);
    script.onerror = () => reject(new Error('The player (hls-light.js) could not be loaded from the box.'));
    document.head.append(script);
  });
  return hlsLoaded;
}

let player;
/** Play an HLS playlist (a recording, or a live stream's preview) in the page's one player. */
async function play(title, playlistUrl) {
  const Hls = await loadHls();
  const video = $('player-video');
  player?.destroy();
  player = null;
  $('player-title').textContent = title;
  $('player').hidden = false;
  if (Hls.isSupported()) {
    player = new Hls();
    player.loadSource(playlistUrl);
    player.attachMedia(video);
  } else {
    video.src = playlistUrl; // Safari on an iPhone plays HLS itself
  }
  video.play().catch(() => null); // muted autoplay; a user gesture started it anyway
  $('player').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/** A live stream in the page: a short playback link first, so protected streams play too. */
async function previewLive(path) {
  const link = await api('POST', '/api/v1/playback-tokens', { path }).catch(() => null);
  return play(`Live: ${path}`, `hls/${path}/index.m3u8${link && link.protected ? `?${link.query}` : ''}`);
}

function playRecording(r) {
  return play(`Recording: ${r.stream}, ${new Date(r.startedAt).toLocaleString()}`, r.playlistUrl);
}

$('player-close').addEventListener('click', () => {
  player?.destroy();
  player = null;
  $('player-video').removeAttribute('src');
  $('player').hidden = true;
});

