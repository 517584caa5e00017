import { Agent, get, type ClientRequest } from 'node:http';
import { parseMediaPlaylist } from './hls-playlist.js';
import { sleep } from './ports.js';
import { ByteWindow } from './byte-window.js';

/**
 * A lightweight live HLS client, paced like a player (RFC 8216 §6.3.4): load the media playlist,
 * fetch every segment it has not fetched yet (starting at the newest one), reload after one target
 * duration, or after half of one when the playlist had not changed. Segment bodies are counted
 * and dropped. One keep-alive connection per client, like a player.
 */

export class HlsMeter extends ByteWindow {
  segments = 0;
  playlists = 0;
  /** Segments that left the playlist before the client fetched them (it fell behind). */
  missed = 0;
  readonly errors = new Map<string, number>();

  /** Count an error by message (bounded number of distinct messages). */
  error(message: string): void {
    const key = message.slice(0, 120);
    if (this.errors.has(key) || this.errors.size < 20) this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  get errorCount(): number {
    let n = 0;
    for (const c of this.errors.values()) n += c;
    return n;
  }

  topError(): string | undefined {
    let best: [string, number] | undefined;
    for (const e of this.errors) if (!best || e[1] > best[1]) best = e;
    return best ? `${best[0]} (×${best[1]})` : undefined;
  }
}

/** Segment and playlist requests give up after this. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Playlists are small; anything bigger is refused while reading. */
const MAX_PLAYLIST_BYTES = 256 * 1024;
/** MPEG-TS packets start with the sync byte 0x47 (ISO/IEC 13818-1 §2.4.3.2). */
const TS_SYNC_BYTE = 0x47;

export class HlsClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private stopped = false;
  private request: ClientRequest | undefined;
  private next: number | undefined;
  private done: Promise<void> | undefined;

  constructor(
    private readonly playlistUrl: string,
    private readonly meter: HlsMeter,
  ) {}

  start(): void {
    this.done ??= this.loop();
  }

  /** Leave: the open request is aborted and the connection closed. */
  stop(): Promise<void> {
    this.stopped = true;
    this.request?.destroy();
    this.agent.destroy();
    return this.done ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    let newest = -1;
    while (!this.stopped) {
      const loadedAt = performance.now();
      let waitS = 1;
      try {
        const body = await this.fetch(this.playlistUrl, MAX_PLAYLIST_BYTES, true);
        const playlist = parseMediaPlaylist(body!.toString('utf8'));
        this.meter.playlists++;
        const segs = playlist.segments;
        const last = segs[segs.length - 1];
        waitS = playlist.targetDuration;
        if (last && last.sequence <= newest) waitS /= 2;
        if (last) newest = Math.max(newest, last.sequence);
        this.next ??= last?.sequence;
        if (this.next !== undefined && segs[0] && this.next < segs[0].sequence) {
          this.meter.missed += segs[0].sequence - this.next;
          this.next = segs[0].sequence;
        }
        for (const s of segs) {
          if (this.stopped || this.next === undefined || s.sequence < this.next) continue;
          await this.fetch(new URL(s.uri, this.playlistUrl).href, Infinity, false);
          this.meter.segments++;
          this.next = s.sequence + 1;
        }
      } catch (err) {
        if (!this.stopped) this.meter.error((err as Error).message);
      }
      const wait = waitS * 1000 - (performance.now() - loadedAt);
      if (wait > 0 && !this.stopped) await sleep(wait);
    }
  }

  /** GET `url`; keeps the body only when `keep` (playlists), else counts it and checks the TS sync byte. */
  private fetch(url: string, maxBytes: number, keep: boolean): Promise<Buffer | undefined> {
    return new Promise((resolve, reject) => {
      const req = get(url, { agent: this.agent, timeout: REQUEST_TIMEOUT_MS, headers: { 'user-agent': 'xlive-bench-hls' } }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`http ${res.statusCode} for ${keep ? 'the playlist' : 'a segment'}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size === 0 && !keep && chunk[0] !== TS_SYNC_BYTE) {
            req.destroy(new Error(`segment does not start with the TS sync byte (0x${(chunk[0] ?? 0).toString(16)})`));
            return;
          }
          size += chunk.length;
          if (keep) {
            if (size > maxBytes) req.destroy(new Error(`playlist larger than ${maxBytes} bytes`));
            else chunks.push(chunk);
          } else this.meter.bytes(chunk.length);
        });
        res.once('end', () => resolve(keep ? Buffer.concat(chunks, size) : undefined));
        res.once('error', reject);
      });
      this.request = req;
      req.once('timeout', () => req.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
      req.once('error', reject);
    });
  }
}
