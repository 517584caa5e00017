/**
 * Where hot values come from. Injected so tests control them with a small fake `/sys` tree in a temp
 * dir and fake `statfs` results; every read is asynchronous and cheap (no shell commands).
 */
import { readdir, readFile, statfs } from 'node:fs/promises';
import { availableParallelism, freemem, loadavg, totalmem } from 'node:os';

export interface FsStats {
  /** Block size in bytes and counts of blocks: total, free, and free for unprivileged users. */
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

export interface SystemSources {
  /** `/sys/class/thermal` (holds `thermal_zone<N>/temp` in millidegrees Celsius and `type`). */
  thermalDir: string;
  /** Raspberry Pi firmware throttling flags; absent elsewhere. */
  throttledFile: string;
  readFile(path: string): Promise<string>;
  readdir(path: string): Promise<string[]>;
  statfs(path: string): Promise<FsStats>;
  loadavg(): number[];
  cpuCount(): number;
  totalMemory(): number;
  /** Memory available to new work (MemAvailable on Linux). */
  availableMemory(): number;
}

export function nodeSystemSources(): SystemSources {
  return {
    thermalDir: '/sys/class/thermal',
    throttledFile: '/sys/devices/platform/soc/soc:firmware/get_throttled',
    readFile: (p) => readFile(p, 'utf8'),
    readdir: (p) => readdir(p),
    statfs: async (p) => {
      const s = await statfs(p);
      return { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail };
    },
    loadavg,
    cpuCount: availableParallelism,
    totalMemory: totalmem,
    availableMemory: freemem,
  };
}
