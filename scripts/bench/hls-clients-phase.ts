import type { RunningServer } from './bench-target.js';
import { HlsClient, HlsMeter } from './hls-client.js';
import { cpuSeconds } from './proc-stats.js';
import { sleep } from './ports.js';

/**
 * N HLS clients poll the live playlist and fetch its segments like players; after a warm-up, the
 * server's CPU and the bytes delivered are measured over a window. The caller subtracts the
 * publisher-only CPU (HLS on, no clients) to get the cost of serving.
 */

export interface HlsClientsResult {
  clients: number;
  windowSeconds: number;
  cpuPercent: number;
  deliveredBytes: number;
  segments: number;
  playlists: number;
  errors: number;
  missed: number;
  clientCpuPercent: number;
  topError?: string;
}

export interface HlsClientsSettings {
  clients: number;
  /** Clients start spread over this (one target duration), ms. */
  spreadMs: number;
  warmupSeconds: number;
  windowSeconds: number;
  ticksPerSecond: number;
}

export async function runHlsClientsPhase(server: RunningServer, url: string, s: HlsClientsSettings): Promise<HlsClientsResult> {
  const meter = new HlsMeter();
  const clients = Array.from({ length: s.clients }, () => new HlsClient(url, meter));
  try {
    const step = s.clients > 1 ? s.spreadMs / (s.clients - 1) : 0;
    const t0 = performance.now();
    for (let i = 0; i < clients.length; i++) {
      const wait = t0 + i * step - performance.now();
      if (wait > 0) await sleep(wait);
      clients[i]!.start();
    }
    await sleep(s.warmupSeconds * 1000);
    const seg0 = meter.segments;
    const pl0 = meter.playlists;
    const err0 = meter.errorCount;
    const cpu0 = cpuSeconds(server.pid, s.ticksPerSecond);
    const client0 = process.cpuUsage();
    const w0 = performance.now();
    meter.openWindow();
    await sleep(s.windowSeconds * 1000);
    meter.closeWindow();
    const wall = (performance.now() - w0) / 1000;
    const cpu = cpuSeconds(server.pid, s.ticksPerSecond) - cpu0;
    const client = process.cpuUsage(client0);
    return {
      clients: s.clients,
      windowSeconds: wall,
      cpuPercent: (cpu / wall) * 100,
      deliveredBytes: meter.windowBytes,
      segments: meter.segments - seg0,
      playlists: meter.playlists - pl0,
      errors: meter.errorCount - err0,
      missed: meter.missed,
      clientCpuPercent: ((client.user + client.system) / 1e6 / wall) * 100,
      topError: meter.topError(),
    };
  } finally {
    await Promise.all(clients.map((c) => c.stop()));
  }
}
