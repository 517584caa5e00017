/** A small fake `/sys` tree in a temp dir and a controllable `statfs`, for tests. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FsStats, SystemSources } from '../system-sources.js';

export interface FakeSys {
  root: string;
  sources: Partial<SystemSources>;
  /** Set a zone's temperature (millidegrees as the kernel writes them). */
  setTemp(zone: number, milli: string): void;
  setThrottled(text: string): void;
  /** Free bytes per path; a path with no entry fails with ENOENT. */
  disks: Map<string, { size: number; free: number }>;
  remove(): void;
}

const BSIZE = 4096;

export function makeFakeSys(opts: { zones?: Array<{ type: string; milli: string }>; throttled?: string } = {}): FakeSys {
  const root = mkdtempSync(join(tmpdir(), 'xlive-fake-sys-'));
  const thermalDir = join(root, 'class', 'thermal');
  const throttledFile = join(root, 'devices', 'platform', 'soc', 'soc:firmware', 'get_throttled');
  mkdirSync(thermalDir, { recursive: true });
  // A cooling device sits next to the zones in the real tree; it must be ignored.
  mkdirSync(join(thermalDir, 'cooling_device0'), { recursive: true });
  (opts.zones ?? []).forEach((z, i) => {
    const dir = join(thermalDir, `thermal_zone${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'type'), `${z.type}\n`);
    writeFileSync(join(dir, 'temp'), `${z.milli}\n`);
  });
  if (opts.throttled !== undefined) {
    mkdirSync(join(throttledFile, '..'), { recursive: true });
    writeFileSync(throttledFile, opts.throttled);
  }
  const disks = new Map<string, { size: number; free: number }>();
  const statfs = async (p: string): Promise<FsStats> => {
    const d = disks.get(p);
    if (!d) throw Object.assign(new Error(`ENOENT: no such file or directory, statfs '${p}'`), { code: 'ENOENT' });
    const blocks = Math.floor(d.size / BSIZE);
    const bavail = Math.floor(d.free / BSIZE);
    return { bsize: BSIZE, blocks, bfree: bavail, bavail };
  };
  return {
    root,
    sources: { thermalDir, throttledFile, statfs },
    setTemp: (zone, milli) => writeFileSync(join(thermalDir, `thermal_zone${zone}`, 'temp'), `${milli}\n`),
    setThrottled: (text) => {
      mkdirSync(join(throttledFile, '..'), { recursive: true });
      writeFileSync(throttledFile, text);
    },
    disks,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
