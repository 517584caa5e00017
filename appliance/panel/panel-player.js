// xlive panel: the page's one video player (live previews and recordings). hls.js is loaded only when
// a preview or recording is first played, so the first screen stays small.
import { $, api, el } from './panel-api.js';

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
export async function play(title, playlistUrl) {
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
export async function previewLive(path) {
  const link = await api('POST', 'api/v1/playback-tokens', { path }).catch(() => null);
  return play(`Live: ${path}`, `hls/${path}/index.m3u8${link && link.protected ? `?${link.query}` : ''}`);
}

export function playRecording(r) {
  return play(`Recording: ${r.stream}, ${new Date(r.startedAt).toLocaleString()}`, r.playlistUrl);
}

$('player-close').addEventListener('click', () => {
  player?.destroy();
  player = null;
  $('player-video').removeAttribute('src');
  $('player').hidden = true;
});

