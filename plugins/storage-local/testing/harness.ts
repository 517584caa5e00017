/**
 * Test harness: storage-local on temp folders through a real plugin context (createTestContext), with
 * an injectable clock, statfs and file ops; `restart()` starts a fresh provider on the same folders
 * and database file, as a reboot would.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after } from 'node:test';
import type { Logger } from 'xlive/sdk';
import { createTestContext, type TestContext } from 'xlive/sdk/testing';
import { createStorageLocalPlugin, type StorageLocalDeps } from '../index.js';
import type { LocalStorage } from '../local-storage.js';

export interface Harness {
  provider: LocalStorage;
  t: TestContext<Record<string, unknown>>;
  dir: string;
  liveDir: string;
  recordingsDir: string;
  dbFile: string;
  /** Stop this provider and start a fresh one on the same folders and database. */
  restart(overrides?: { config?: Record<string, unknown>; deps?: StorageLocalDeps }): Promise<Harness>;
  stop(): Promise<void>;
  /** Stop and delete the temp folder. */
  cleanup(): Promise<void>;
}

export interface HarnessOptions {
  config?: Record<string, unknown>;
  deps?: StorageLocalDeps;
  /** Reuse a folder (restart / child process). */
  dir?: string;
  /** Do not start (tests of setup/start errors). */
  noStart?: boolean;
  log?: Logger;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'xlive-storage-local-'));
  const liveDir = join(dir, 'live');
  const recordingsDir = join(dir, 'recordings');
  const dbFile = join(dir, 'xlive.db');
  const config = { liveDir, recordingsDir, ...opts.config };
  const t = createTestContext<Record<string, unknown>>({ id: 'storage-local', manifestFrom: import.meta.url, config, dbFile, ...(opts.log ? { log: opts.log } : {}) });
  const plugin = createStorageLocalPlugin(opts.deps);
  const instance = plugin.setup(t.ctx);
  t.commit();
  if (!opts.noStart) await instance?.start?.();
  const provider = t.ctx.storage.get('local') as LocalStorage;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (provider.isStarted) await instance?.stop?.();
    t.release();
    t.parts.db.close();
    rmSync(t.parts.root, { recursive: true, force: true });
  };
  const h: Harness = {
    provider,
    t,
    dir,
    liveDir,
    recordingsDir,
    dbFile,
    stop,
    async restart(o = {}) {
      await stop();
      return startHarness({ ...opts, dir, config: o.config ?? opts.config, deps: o.deps ?? opts.deps });
    },
    async cleanup() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Every file under `root` (relative paths, sorted), with sizes; the root marker excluded. */
export function listDisk(root: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== '.xlive-storage') out.set(relative(root, p), statSync(p).size);
    }
  };
  walk(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A controllable filesystem: capacity minus "other" usage minus what `used()` reports. */
export class FakeDisk {
  other = 0;
  constructor(
    public capacity: number,
    private readonly used: () => number,
  ) {}

  readonly statfs = async (): Promise<{ bytesFree: number; bytesTotal: number }> => ({
    bytesFree: Math.max(0, this.capacity - this.other - this.used()),
    bytesTotal: this.capacity,
  });
}

/** A settable clock. */
export class FakeClock {
  constructor(public ms = Date.UTC(2025, 0, 1, 12, 0, 0)) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function bytes(n: number, fill = 0x47): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

/**
 * `open(opts)` starts a harness, `track(h)` adopts one made otherwise (a restart); every harness of the
 * calling test file is cleaned up after its tests.
 */
export function harnessOpener(): { open(opts?: HarnessOptions): Promise<Harness>; track(h: Harness): Harness } {
  const harnesses: Harness[] = [];
  after(async () => {
    for (const h of harnesses) await h.cleanup();
  });
  const track = (h: Harness): Harness => {
    harnesses.push(h);
    return h;
  };
  return { open: async (opts = {}) => track(await startHarness(opts)), track };
}
