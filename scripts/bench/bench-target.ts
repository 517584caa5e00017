import type { ChildSet } from './child-set.js';
import { waitForPort } from './ports.js';

/** One server under test, started fresh for its turn and stopped after it. */

export type TargetId = 'xlive' | 'nms' | 'nginx';

export const ALL_TARGETS: readonly TargetId[] = ['xlive', 'nms', 'nginx'];

export const BENCH_APP = 'live';
export const BENCH_STREAM = 'bench';

export interface TargetContext {
  children: ChildSet;
  /** A fresh directory for this server's config, data and logs. */
  workDir: string;
  /** The repository root (where package.json and dist/ are). */
  repoRoot: string;
  log: (line: string) => void;
}

export interface RunningServer {
  pid: number;
  rtmpUrl: string;
  /** Absent for servers without HTTP-FLV (nginx-rtmp). */
  flvUrl?: string;
  /** The live HLS playlist of the bench stream, when HLS is on. */
  hlsUrl?: string;
  /** The public Prometheus endpoint (xlive). */
  metricsUrl?: string;
  /** Exit code/signal once the process has exited. */
  exited(): string | undefined;
  /** The tail of its log, for error messages. */
  logTail(): string;
  /** Server-side stream stats worth a note (xlive: slow-reader counters from `GET /metrics`). */
  streamNote?(): Promise<string | undefined>;
  stop(): Promise<void>;
}

export interface BenchTarget {
  readonly id: TargetId;
  /** Column title. */
  readonly label: string;
  /** Why it cannot run on this machine (a clear message), or undefined. */
  unavailable(): string | undefined;
  start(ctx: TargetContext): Promise<RunningServer>;
}

/** Server start-up budget. */
export const START_TIMEOUT_MS = 30_000;

/** Wait until each port accepts; on failure stop the server and throw with its log tail. */
export async function awaitListening(server: RunningServer, ports: readonly number[]): Promise<RunningServer> {
  try {
    for (const port of ports) await waitForPort('127.0.0.1', port, START_TIMEOUT_MS, server.exited);
  } catch (err) {
    await server.stop();
    throw new Error(`${(err as Error).message}\n${server.logTail()}`);
  }
  return server;
}
