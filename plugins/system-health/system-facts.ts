/**
 * Static facts about the box (model, OS, CPU, memory, disks, network interfaces) gathered with
 * `systeminformation`. It runs shell commands synchronously, so this module is only ever called inside
 * the facts worker thread (facts-worker.ts), never on the media event loop. Each part is gathered on
 * its own: one that fails is named in `errors` and the rest still arrive. Lists are bounded.
 */
import type { Systeminformation as SI } from 'systeminformation';

export interface SystemFacts {
  collectedAt: string;
  model: { manufacturer: string; model: string; version: string; virtual: boolean; raspberry?: { type: string; revision: string; processor: string; manufacturer: string } } | null;
  os: { platform: string; distro: string; release: string; codename: string; kernel: string; arch: string; hostname: string } | null;
  cpu: { manufacturer: string; brand: string; cores: number; physicalCores: number; speedGHz: number; speedMaxGHz: number } | null;
  memory: { totalBytes: number; swapTotalBytes: number } | null;
  disks: Array<{ device: string; type: string; name: string; vendor: string; sizeBytes: number; interfaceType: string }> | null;
  filesystems: Array<{ fs: string; type: string; mount: string; sizeBytes: number; usedBytes: number; rw: boolean | null }> | null;
  network: Array<{ iface: string; mac: string; ip4: string; ip6: string; type: string; operstate: string; speedMbps: number | null; default: boolean; internal: boolean }> | null;
  /** Parts that could not be gathered, with the reason. */
  errors: Record<string, string>;
}

/** The systeminformation calls used (the module itself in the worker; a fake in tests). */
export interface FactsSource {
  system(): Promise<SI.SystemData>;
  osInfo(): Promise<SI.OsData>;
  cpu(): Promise<SI.CpuData>;
  mem(): Promise<SI.MemData>;
  diskLayout(): Promise<SI.DiskLayoutData[]>;
  fsSize(): Promise<SI.FsSizeData[]>;
  networkInterfaces(): Promise<SI.NetworkInterfacesData[] | SI.NetworkInterfacesData>;
}

const MAX_ITEMS = 32;
const s = (v: unknown, max = 120): string => (typeof v === 'string' ? v.slice(0, max) : '');
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export async function collectSystemFacts(si: FactsSource, now: () => Date = () => new Date()): Promise<SystemFacts> {
  const errors: Record<string, string> = {};
  const part = async <T, R>(name: string, get: () => Promise<T>, map: (v: T) => R): Promise<R | null> => {
    try {
      return map(await get());
    } catch (err) {
      errors[name] = s((err as Error).message ?? String(err), 300);
      return null;
    }
  };
  const [model, os, cpu, memory, disks, filesystems, network] = await Promise.all([
    part('model', () => si.system(), (d) => ({
      manufacturer: s(d.manufacturer),
      model: s(d.model),
      version: s(d.version),
      virtual: d.virtual === true,
      ...(d.raspberry
        ? { raspberry: { type: s(d.raspberry.type), revision: s(d.raspberry.revision), processor: s(d.raspberry.processor), manufacturer: s(d.raspberry.manufacturer) } }
        : {}),
    })),
    part('os', () => si.osInfo(), (d) => ({
      platform: s(d.platform),
      distro: s(d.distro),
      release: s(d.release),
      codename: s(d.codename),
      kernel: s(d.kernel),
      arch: s(d.arch),
      hostname: s(d.hostname, 255),
    })),
    part('cpu', () => si.cpu(), (d) => ({
      manufacturer: s(d.manufacturer),
      brand: s(d.brand),
      cores: n(d.cores),
      physicalCores: n(d.physicalCores),
      speedGHz: n(d.speed),
      speedMaxGHz: n(d.speedMax),
    })),
    part('memory', () => si.mem(), (d) => ({ totalBytes: n(d.total), swapTotalBytes: n(d.swaptotal) })),
    part('disks', () => si.diskLayout(), (list) =>
      list.slice(0, MAX_ITEMS).map((d) => ({ device: s(d.device), type: s(d.type), name: s(d.name), vendor: s(d.vendor), sizeBytes: n(d.size), interfaceType: s(d.interfaceType) })),
    ),
    part('filesystems', () => si.fsSize(), (list) =>
      list.slice(0, MAX_ITEMS).map((d) => ({ fs: s(d.fs, 255), type: s(d.type), mount: s(d.mount, 255), sizeBytes: n(d.size), usedBytes: n(d.used), rw: typeof d.rw === 'boolean' ? d.rw : null })),
    ),
    part('network', () => si.networkInterfaces(), (v) =>
      (Array.isArray(v) ? v : [v]).slice(0, MAX_ITEMS).map((d) => ({
        iface: s(d.iface),
        mac: s(d.mac),
        ip4: s(d.ip4),
        ip6: s(d.ip6),
        type: s(d.type),
        operstate: s(d.operstate),
        speedMbps: typeof d.speed === 'number' ? d.speed : null,
        default: d.default === true,
        internal: d.internal === true,
      })),
    ),
  ]);
  return { collectedAt: now().toISOString(), model, os, cpu, memory, disks, filesystems, network, errors };
}
