import { Agent, get } from 'node:http';
import { parseMediaPlaylist } from './hls-playlist.js';
import type { KeyframeLog } from './keyframe-log.js';
import { sleep } from './ports.js';
import { SampleSet } from './sample-set.js';

/**
 * Playlist update lag seen from outside: poll the live playlist every `pollMs`; when a newer
 * segment first shows up, lag = the time the response arrived − the send time of the last keyframe
 * the publisher sent before it (the keyframe that closed the segment, while lags stay below one
 * GOP). An upper bound: it includes the HTTP round trip and up to one poll interval.
 */

export interface LagResult {
  samples: number;
  p50: number | undefined;
  p95: number | undefined;
  max: number | undefined;
  polls: number;
  errors: number;
}

/** A lag above this is not matched to a keyframe (it would be the previous GOP's). */
const MAX_LAG_MS = 1900;

export async function probePlaylistLag(url: string, keyframes: KeyframeLog, seconds: number, pollMs = 10): Promise<LagResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const lags = new SampleSet(10_000, 3);
  let newest: number | undefined;
  let polls = 0;
  let errors = 0;
  let max: number | undefined;
  const end = performance.now() + seconds * 1000;
  try {
    while (performance.now() < end) {
      const sentAt = performance.now();
      try {
        const text = await getText(url, agent);
        const at = performance.now();
        polls++;
        const segs = parseMediaPlaylist(text).segments;
        const last = segs[segs.length - 1]?.sequence;
        if (last !== undefined && newest !== undefined && last > newest) {
          const kf = keyframes.lastAtOrBefore(at);
          if (kf !== undefined && at - kf <= MAX_LAG_MS) {
            lags.add(at - kf);
            max = Math.max(max ?? 0, at - kf);
          }
        }
        if (last !== undefined) newest = Math.max(newest ?? last, last);
      } catch {
        errors++;
      }
      const wait = pollMs - (performance.now() - sentAt);
      if (wait > 0) await sleep(wait);
    }
  } finally {
    agent.destroy();
  }
  return { samples: lags.count, p50: lags.percentile(50), p95: lags.percentile(95), max, polls, errors };
}

function getText(url: string, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, timeout: 5000 }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`http ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (s: string) => {
        text += s;
        if (text.length > 256 * 1024) req.destroy(new Error('playlist too large'));
      });
      res.once('end', () => resolve(text));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', reject);
  });
}
