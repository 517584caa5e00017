// xlive panel: signing in and out of the screens, the health banner, and the Dashboard screen (live
// streams with preview, charts, recording toggle), refreshed every few seconds.
import { $, api, can, el, formatDuration, guarded, show, showError, state, withBusy } from './panel-api.js';
import { refreshCurrent, registerScreen, startNav, stopNav } from './panel-nav.js';
import { previewLive } from './panel-player.js';
import { loadRecordings } from './panel-recordings.js';

const REFRESH_MS = 5000;

registerScreen('dashboard', {
  enter: () => guarded(async () => {
    await loadSegmentTarget();
    await loadStreams();
  }),
  refresh: () => guarded(loadStreams),
});

export function enterDashboard(session) {
  state.csrf = session.csrfToken;
  state.user = session.user;
  state.onSessionEnd = leaveDashboard;
  $('user-name').textContent = session.user.username;
  $('user-role').textContent = session.user.role;
  show('view-dashboard');
  startNav();
  tick();
  clearInterval(state.timer);
  state.timer = setInterval(tick, REFRESH_MS);
}

export function leaveDashboard(message) {
  clearInterval(state.timer);
  stopNav();
  state.csrf = null;
  state.user = null;
  show('view-login');
  showError('login-error', message ? new Error(message) : null);
  $('login-password').value = '';
  $('login-username').focus();
}

/** Every few seconds: the health banner (on every screen) and the screen on display. */
function tick() {
  if (can('system:read')) guarded(loadHealth);
  refreshCurrent();
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
      const h = await api('GET', `api/v1/streams/${path}/history`).catch(() => null);
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
  const sys = await api('GET', 'api/v1/system');
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
  const { items } = await api('GET', 'api/v1/recordings?limit=100');
  return new Map(items.filter((r) => r.active).map((r) => [r.stream, r]));
}

function recordToggle(path, running) {
  if (!can('recordings:write')) return null;
  return el('button', {
    type: 'button',
    class: running ? 'danger' : 'secondary',
    text: running ? 'Stop recording' : 'Record',
    onclick: (ev) => withBusy(ev.currentTarget, () => guarded(async () => {
      await api(running ? 'DELETE' : 'POST', `api/v1/streams/${path}/recording`);
      await loadStreams();
      if (can('recordings:read')) await loadRecordings().catch(() => null);
    }, 'streams-error')),
  });
}

/** The HLS target segment length (plugins.hls.segmentMs), for the keyframe-interval warning. */
let segmentMs = 2000;
async function loadSegmentTarget() {
  if (!can('system:read')) return;
  // The hls plugin's own status carries its resolved config (a few hundred bytes, not the whole config).
  const hls = await api('GET', 'api/v1/plugins/hls').catch(() => null);
  if (hls && hls.config && typeof hls.config.segmentMs === 'number') segmentMs = hls.config.segmentMs;
}

/**
 * The encoder's keyframe interval in words, and a warning when it does not fit the HLS segment length:
 * segments are cut at the first keyframe after the target, so they come out as a whole number of
 * keyframe intervals (4 s keyframes make 4 s segments and a later, jumpier HLS picture).
 */
export function keyframeAdvice(kfMs, targetMs) {
  if (!kfMs) return { text: 'keyframes: –', warn: null };
  const kf = kfMs / 1000;
  const actual = Math.ceil(targetMs / kfMs - 0.05) * kfMs;
  const text = `keyframe every ${kf.toFixed(kf < 10 ? 1 : 0)} s`;
  if (actual <= targetMs * 1.25) return { text, warn: null };
  return {
    text,
    warn: `HLS segments come out ${(actual / 1000).toFixed(1)} s long instead of ${(targetMs / 1000).toFixed(1)} s: set the encoder's keyframe interval to ${(targetMs / 1000).toFixed(0)} s (OBS: Settings → Output → Keyframe Interval).`,
  };
}

const link = (href, text) => el('a', { href, target: '_blank', rel: 'noopener', text });

async function copyText(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed: select the link';
  }
  setTimeout(() => (button.textContent = 'Copy links'), 2000);
}

async function loadStreams() {
  const [{ items }, recording] = await Promise.all([api('GET', 'api/v1/streams?limit=500'), runningRecordings()]);
  const charts = await historyCharts(items.map((s) => s.path));
  const body = $('streams-body');
  body.replaceChildren(
    ...items.map((s) => {
      const v = s.media && s.media.video;
      const a = s.media && s.media.audio;
      const video = v ? `${v.codec}${v.width ? ` ${v.width}×${v.height}` : ''}${s.ingest.fps ? ` ${Math.round(s.ingest.fps)} fps` : ''}` : '–';
      const audio = a ? `${a.codec}${a.sampleRate ? ` ${Math.round(a.sampleRate / 1000)} kHz` : ''}${a.channels ? ` ${a.channels} ch` : ''}` : '–';
      const kf = keyframeAdvice(s.ingest.keyframeIntervalMs, segmentMs);
      const hls = new URL(`hls/${s.path}/index.m3u8`, document.baseURI).href;
      const flv = new URL(`flv/${s.path}.flv`, document.baseURI).href;
      const byProtocol = Object.entries(s.readersByProtocol || {}).map(([p, n]) => `${n} ${p}`).join(', ');
      const drops = s.drops.frames || s.drops.slowDisconnects ? `${s.drops.frames} frames dropped, ${s.drops.slowDisconnects} slow viewers cut` : 'none';
      const stop = can('streams:write')
        ? el('button', {
            type: 'button',
            class: 'danger',
            text: 'Stop',
            onclick: () => confirm(`Disconnect the encoder of ${s.path}? The broadcast stops until it reconnects.`) && guarded(async () => {
              await api('DELETE', `api/v1/streams/${s.path}`);
              await loadStreams();
            }, 'streams-error'),
          })
        : null;
      return el(
        'tr',
        {},
        el(
          'td',
          { class: 'mono path' },
          s.path,
          recording.has(s.path) ? el('span', { class: 'rec', title: 'Recording now', text: 'REC' }) : null,
          el('div', { class: 'watch' }, link(hls, 'HLS'), ' · ', link(flv, 'HTTP-FLV'), ' ', el('button', { type: 'button', class: 'secondary small', text: 'Copy links', onclick: (ev) => copyText(`${hls}\n${flv}`, ev.currentTarget) })),
        ),
        el('td', { 'data-label': 'Video' }, video, el('div', { class: 'hint', text: kf.text }), kf.warn ? el('div', { class: 'warn', role: 'note', text: kf.warn }) : null),
        el('td', { 'data-label': 'Audio', text: audio }),
        el('td', { 'data-label': 'Bitrate' }, `${Math.round(s.ingest.bitrateBps / 1000)} kbit/s `, charts.get(s.path)?.bitrate ?? null),
        el('td', { 'data-label': 'Viewers' }, `${s.readers} `, charts.get(s.path)?.viewers ?? null, byProtocol ? el('div', { class: 'hint', text: byProtocol }) : null),
        el('td', { 'data-label': 'Drops', text: drops }),
        el('td', { 'data-label': 'Live for', text: formatDuration(s.uptimeMs) }),
        el(
          'td',
          { class: 'actions' },
          el('button', { type: 'button', class: 'secondary', text: 'Preview', onclick: () => guarded(() => previewLive(s.path), 'streams-error') }),
          el('button', { type: 'button', class: 'secondary', text: 'Preview FLV', 'aria-label': `Preview FLV of ${s.path}`, onclick: () => guarded(() => previewLive(s.path, 'flv'), 'streams-error') }),
          recordToggle(s.path, recording.has(s.path)),
          stop,
        ),
      );
    }),
  );
  $('streams-empty').hidden = items.length > 0;
}
