/**
 * The HLS plugin in-process for tests: real plugin context, StreamHub and HTTP app (xlive/sdk/testing),
 * an in-memory StorageProvider, and a short ffmpeg-made FLV clip to publish. Load it with a dynamic
 * `import()`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthApi, Frame, FrameInit, Publisher, GateDefinition } from 'xlive/sdk';
import { createTestBox, createTestContext, type TestContext } from 'xlive/sdk/testing';
import type { HlsConfig } from '../config.js';
import hlsPlugin from '../index.js';
import { readFlvFile } from '../testing/flv-file-reader.js';
import { hasTool, runTool } from '../testing/run-tool.js';
import { MemoryStorage, type MemoryStorageOptions } from './memory-storage.js';

export const haveFfmpeg = (await hasTool('ffmpeg')) && (await hasTool('ffprobe'));

export interface Harness {
  t: TestContext<HlsConfig>;
  storage: MemoryStorage;
  url: string;
  port: number;
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function harness(config: Partial<HlsConfig> = {}, opts: { storage?: MemoryStorageOptions; auth?: AuthApi; gate?: GateDefinition['decide'] } = {}): Promise<Harness> {
  const parts = createTestBox();
  const storage = new MemoryStorage(opts.storage);
  parts.storage.register(storage);
  const t = createTestContext<HlsConfig>({
    id: 'hls',
    manifestFrom: import.meta.url,
    shared: parts,
    config: { segmentMs: 1000, windowSize: 4, stateTtlMs: 60_000, ...config } as HlsConfig,
    ...(opts.auth ? { auth: opts.auth } : {}),
    ...(opts.gate ? { gate: opts.gate } : {}),
  });
  const instance = hlsPlugin.setup(t.ctx);
  t.commit();
  await instance?.start?.();
  const srv = await t.serve();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await instance?.stop?.();
    t.release();
  };
  return {
    t,
    storage,
    url: srv.url,
    port: srv.port,
    stop,
    close: async () => {
      await stop();
      t.hub.stop();
      await srv.close();
      await rm(parts.root, { recursive: true, force: true });
    },
  };
}

export function initOf(f: Frame, dtsOffset = 0): FrameInit {
  return { track: f.track, codec: f.codec, dts: f.dts + dtsOffset, cts: f.cts, keyframe: f.keyframe, sequenceHeader: f.sequenceHeader, payload: f.payload, dataOffset: f.dataOffset };
}

/** Push frames, letting storage writes run at every video keyframe (as a real-time source would). */
export async function pushAll(pub: Publisher, frames: readonly Frame[]): Promise<void> {
  for (const f of frames) {
    if (f.track === 'video' && f.keyframe && !f.sequenceHeader) await sleep(2);
    pub.push(initOf(f));
  }
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** GET with the path sent exactly as given (fetch would normalise it). */
export function rawGet(port: number, path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

export const uris = (playlist: string) => playlist.split('\n').filter((l) => l !== '' && !l.startsWith('#'));


/** A 4 s H.264 + AAC clip (GOP 0.5 s) as Frames, made by ffmpeg in `dir`. */
export async function makeClip(dir: string): Promise<Frame[]> {
  const flv = join(dir, 'clip.flv');
  const enc = await runTool('ffmpeg', [
    '-hide_banner', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '4', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-c:a', 'aac', '-f', 'flv', '-y', flv,
  ], 60_000);
  assert.equal(enc.code, 0, enc.stderr);
  return readFlvFile(flv);
}

/** The ffmpeg-made clip in a temp dir, made before the calling file's tests and removed after them. */
export function useClip(): { readonly clip: Frame[] } {
  let dir = '';
  const fixture = { clip: [] as Frame[] };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xlive-hls-plugin-'));
    if (haveFfmpeg) fixture.clip = await makeClip(dir);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return fixture;
}
