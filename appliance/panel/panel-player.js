// xlive panel: the page's one video player (live previews and recordings). hls.js is loaded only when
// a preview or recording is first played, so the first screen stays small.
import { $, api, boxUrl, el } from './panel-api.js';

/** A player library served by the box, loaded once, on first use: `global` is what the script defines. */
const loaded = new Map();
function loadScript(file, global) {
  if (!loaded.has(file)) {
    loaded.set(file, new Promise((resolve, reject) => {
      const script = el('script', { src: `panel/${file}` });
      script.onload = () => resolve(window[global]);
      script.onerror = () => {
        loaded.delete(file);
        reject(new Error(`The player (${file}) could not be loaded from the box.`));
      };
      document.head.append(script);
    }));
  }
  return loaded.get(file);
}

let player;
function stopPlayer() {
  player?.destroy();
  player = null;
  $('player-video').removeAttribute('src');
}

function openPlayer(title) {
  stopPlayer();
  $('player-title').textContent = title;
  $('player').hidden = false;
  return $('player-video');
}

function started(video) {
  video.play().catch(() => null); // muted autoplay; a user gesture started it anyway
  $('player').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

/** Play an HLS playlist (a recording, or a live stream's preview) with hls.js (light build). */
export async function play(title, playlistUrl) {
  const Hls = await loadScript('hls-light.js', 'Hls');
  const video = openPlayer(title);
  if (Hls.isSupported()) {
    player = new Hls();
    player.loadSource(playlistUrl);
    player.attachMedia(video);
  } else {
    video.src = playlistUrl; // Safari on an iPhone plays HLS itself
  }
  started(video);
}

/** Play a live HTTP-FLV stream with mpegts.js (lower latency than HLS). */
export async function playFlv(title, flvUrl) {
  const mpegts = await loadScript('mpegts.js', 'mpegts');
  if (!mpegts.isSupported()) throw new Error('This browser cannot play HTTP-FLV (no Media Source Extensions): use the HLS preview.');
  const video = openPlayer(title);
  const p = mpegts.createPlayer({ type: 'flv', isLive: true, url: new URL(flvUrl, document.baseURI).href }, { enableWorker: false, liveBufferLatencyChasing: true });
  player = { destroy: () => { p.pause(); p.unload(); p.detachMediaElement(); p.destroy(); } };
  p.attachMediaElement(video);
  p.load();
  started(video);
}

/** A live stream in the page, over HLS or HTTP-FLV: a short playback link first, so protected streams play too. */
export async function previewLive(path, protocol = 'hls') {
  const link = await api('POST', 'api/v1/playback-tokens', { path }).catch(() => null);
  const q = link && link.protected ? `?${link.query}` : '';
  if (protocol === 'flv') return playFlv(`Live (HTTP-FLV): ${path}`, `flv/${path}.flv${q}`);
  return play(`Live: ${path}`, `hls/${path}/index.m3u8${q}`);
}

export function playRecording(r) {
  return play(`Recording: ${r.stream}, ${new Date(r.startedAt).toLocaleString()}`, boxUrl(r.playlistUrl));
}

$('player-close').addEventListener('click', () => {
  stopPlayer();
  $('player').hidden = true;
});
