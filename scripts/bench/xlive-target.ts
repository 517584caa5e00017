import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logTail } from './child-set.js';
import { awaitListening, BENCH_APP, BENCH_STREAM, type BenchTarget, type RunningServer, type TargetContext } from './bench-target.js';
import { freePort } from './ports.js';

/** V8 flags xlive runs with in production: a small young generation (lower RSS, no measurable CPU cost). */
export const XLIVE_NODE_FLAGS = ['--max-semi-space-size=1'];

/**
 * xlive from this checkout (`node dist/appliance/cli/main.js serve`), configured only through
 * XLIVE_* variables, with its own data directory. The HLS plugin is disabled unless `keepHls`,
 * so all three servers do the same work (RTMP in, RTMP and HTTP-FLV out, no HLS), and publishing
 * is open (auth-local `publishAuth: open`) as it is on the other two.
 */

/** Requests per IP per minute allowed to the bench's one address (the schema's maximum). */
const PER_IP_LIMIT = 10_000_000;
export class XliveTarget implements BenchTarget {
  readonly id = 'xlive' as const;
  readonly label = 'xlive';

  constructor(
    private readonly repoRoot: string,
    private readonly keepHls: boolean,
  ) {}

  private get mainJs(): string {
    return join(this.repoRoot, 'dist', 'appliance', 'cli', 'main.js');
  }

  unavailable(): string | undefined {
    if (!existsSync(this.mainJs)) return `${this.mainJs} is missing: run npm run build`;
    return undefined;
  }

  async start(ctx: TargetContext): Promise<RunningServer> {
    const rtmpPort = await freePort();
    const httpPort = await freePort();
    const dataDir = join(ctx.workDir, 'data');
    mkdirSync(dataDir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...withoutXliveVars(process.env),
      XLIVE_DATA_DIR: dataDir,
      XLIVE_HTTP_HOST: '127.0.0.1',
      XLIVE_HTTP_PORT: String(httpPort),
      XLIVE_RTMP_HOST: '127.0.0.1',
      XLIVE_RTMP_PORT: String(rtmpPort),
      XLIVE_LOG_LEVEL: 'warn',
      // Like the other two servers: anyone on 127.0.0.1 may publish (no stream key).
      XLIVE_PLUGINS__AUTH_LOCAL__PUBLISH_AUTH: 'open',
      // Every bench viewer comes from 127.0.0.1, standing in for many viewers on many addresses:
      // lift the per-IP request limits (the others have none), which would otherwise answer 429.
      XLIVE_HTTP_RATE_LIMITS_API_PER_IP_PER_MINUTE: String(PER_IP_LIMIT),
      XLIVE_HTTP_RATE_LIMITS_MEDIA_PER_IP_PER_MINUTE: String(PER_IP_LIMIT),
      // …and the per-address connection caps (a venue NAT gets 1000 HTTP / 500 RTMP viewers by default).
      XLIVE_CONNECTIONS_HTTP_MAX_TOTAL: '11000',
      XLIVE_CONNECTIONS_HTTP_MAX_IDLE_TOTAL: '2500',
      XLIVE_CONNECTIONS_HTTP_MAX_IDLE_PER_IP: '2500',
      XLIVE_CONNECTIONS_HTTP_MAX_PER_IP: '8000',
      XLIVE_RTMP_MAX_CONNECTIONS: '4500',
      XLIVE_RTMP_MAX_CONNECTIONS_PER_IP: '4300',
    };
    if (!this.keepHls) this.disablePlugin('hls', env, ctx);
    const logPath = join(ctx.workDir, 'xlive.log');
    // The same V8 flags as the systemd unit and `npm start` (see docs/performance.md).
    const s = ctx.children.spawn(process.execPath, [...XLIVE_NODE_FLAGS, this.mainJs, 'serve'], { cwd: ctx.workDir, env, logPath });
    const metrics = `http://127.0.0.1:${httpPort}/metrics`;
    const server: RunningServer = {
      pid: s.pid,
      rtmpUrl: `rtmp://127.0.0.1:${rtmpPort}/${BENCH_APP}/${BENCH_STREAM}`,
      flvUrl: `http://127.0.0.1:${httpPort}/flv/${BENCH_APP}/${BENCH_STREAM}.flv`,
      hlsUrl: this.keepHls ? `http://127.0.0.1:${httpPort}/hls/${BENCH_APP}/${BENCH_STREAM}/index.m3u8` : undefined,
      metricsUrl: metrics,
      exited: () => s.exited,
      logTail: () => logTail(logPath),
      streamNote: () => streamNote(metrics),
      stop: () => ctx.children.stop(s),
    };
    return awaitListening(server, [httpPort, rtmpPort]);
  }

  /** `xlive plugins disable <id>` on the bench's data dir; a plugin that does not exist is fine. */
  private disablePlugin(id: string, env: NodeJS.ProcessEnv, ctx: TargetContext): void {
    const r = spawnSync(process.execPath, [this.mainJs, 'plugins', 'disable', id], { cwd: ctx.workDir, env, encoding: 'utf8', timeout: 30_000 });
    const out = `${r.stderr ?? ''}${r.stdout ?? ''}`;
    if (r.status !== 0 && !out.includes('no plugin with id')) ctx.log(`  (xlive: could not disable plugin ${id}: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n')[0]})`);
  }
}

function withoutXliveVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('XLIVE_')) out[k] = v;
  return out;
}

/**
 * Slow-reader counters of the hub from the public Prometheus endpoint (`GET /metrics`, text
 * exposition format); the stream API needs a login once auth-local is installed.
 */
async function streamNote(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (!res.ok) return `GET /metrics: http ${res.status}`;
    const text = await res.text();
    const value = (name: string) => new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
    const dropped = value('xlive_hub_dropped_frames_total');
    const slow = value('xlive_hub_slow_disconnects_total');
    if (dropped === undefined && slow === undefined) return undefined; // hub counters not exposed by this build
    const readers = [...text.matchAll(/^xlive_stream_readers\{[^}]*protocol="([^"]+)"[^}]*\} (\S+)$/gm)].map((m) => `${m[2]} ${m[1]}`);
    return `${readers.join(', ') || 'no'} readers, ${dropped ?? '?'} frames dropped, ${slow ?? '?'} slow disconnects (hub counters)`;
  } catch (err) {
    return `GET /metrics failed: ${(err as Error).message}`;
  }
}
