import { parseArgs } from 'node:util';
import { ALL_TARGETS, type TargetId } from './bench-target.js';

/** Command-line flags of `npm run bench -- [flags]`. */

export interface BenchOptions {
  servers: TargetId[];
  /** Concurrent viewers in the RTMP and HTTP-FLV phases. */
  viewers: number;
  /** Measurement window of each viewer phase, seconds. */
  seconds: number;
  /** Viewers of the large HTTP-FLV phase (xlive and nms); 0 skips it. */
  bigViewers: number;
  /** How long slow viewers stop reading, seconds. */
  slowSeconds: number;
  slowViewers: number;
  /** Window of the publisher-only CPU measurement, seconds. */
  publisherSeconds: number;
  /** Time given to viewers to connect and settle before a window opens, seconds. */
  warmupSeconds: number;
  quick: boolean;
  /** Keep xlive's HLS plugin enabled (the others do no HLS). */
  xliveHls: boolean;
  /** Run the HLS section (remux cost, HLS clients, playlist lag). */
  hls: boolean;
  /** Clients of the HLS serving phase; 0 skips it. */
  hlsClients: number;
  /** Paired HLS on/off windows and their length, seconds. */
  hlsRounds: number;
  hlsSeconds: number;
  /** Window of the external playlist-lag probe, seconds. */
  hlsLagSeconds: number;
  /** Window of the HLS clients phase, seconds. */
  hlsClientSeconds: number;
  /** Write docs/performance.md. */
  writeDoc: boolean;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [flags]

  --servers LIST      servers to compare, comma-separated (default xlive,nms,nginx)
  --viewers N         viewers per RTMP / HTTP-FLV phase (default 100)
  --seconds S         measurement window per phase (default 20; --quick: 4)
  --big-viewers N     viewers of the large HTTP-FLV phase, xlive and nms only (default 1000; 0 skips; --quick: 0)
  --slow-seconds S    how long the 10 slow viewers stop reading (default 60; --quick: 15)
  --quick             short run (about 2 minutes)
  --xlive-hls         keep xlive's HLS plugin enabled in the main phases (off by default: the others do no HLS there)
  --hls-clients N     clients of the HLS serving phase (default 100; 0 skips it)
  --no-hls            skip the HLS section (remux cost with HLS on vs off, HLS clients, playlist lag)
  --no-doc            do not rewrite docs/performance.md
  -h, --help          this text
`;

const LIMITS = { viewers: 5000, seconds: 300, bigViewers: 5000, slowSeconds: 600, hlsClients: 2000 } as const;

function int(name: keyof typeof LIMITS, raw: string | undefined, def: number, min: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > LIMITS[name]) {
    throw new RangeError(`--${name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be an integer in ${min}..${LIMITS[name]}, got "${raw}"`);
  }
  return n;
}

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      servers: { type: 'string' },
      viewers: { type: 'string' },
      seconds: { type: 'string' },
      'big-viewers': { type: 'string' },
      'slow-seconds': { type: 'string' },
      quick: { type: 'boolean', default: false },
      'xlive-hls': { type: 'boolean', default: false },
      'hls-clients': { type: 'string' },
      'no-hls': { type: 'boolean', default: false },
      'no-doc': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const quick = values.quick === true;
  const servers = (values.servers ?? ALL_TARGETS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const s of servers) {
    if (!(ALL_TARGETS as readonly string[]).includes(s)) throw new RangeError(`--servers: unknown server "${s}" (known: ${ALL_TARGETS.join(', ')})`);
  }
  if (servers.length === 0) throw new RangeError('--servers: name at least one server');
  return {
    servers: [...new Set(servers)] as TargetId[],
    viewers: int('viewers', values.viewers, 100, 1),
    seconds: int('seconds', values.seconds, quick ? 4 : 20, 1),
    bigViewers: int('bigViewers', values['big-viewers'], quick ? 0 : 1000, 0),
    slowSeconds: int('slowSeconds', values['slow-seconds'], quick ? 15 : 60, 1),
    slowViewers: 10,
    publisherSeconds: quick ? 3 : 10,
    warmupSeconds: quick ? 1 : 3,
    quick,
    xliveHls: values['xlive-hls'] === true,
    hls: values['no-hls'] !== true,
    hlsClients: int('hlsClients', values['hls-clients'], 100, 0),
    hlsRounds: quick ? 2 : 3,
    hlsSeconds: quick ? 6 : 20,
    hlsLagSeconds: quick ? 8 : 20,
    hlsClientSeconds: quick ? 8 : 20,
    writeDoc: values['no-doc'] !== true,
    help: values.help === true,
  };
}
