import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import type { BenchOptions } from './bench-options.js';
import { CLIP_SPEC } from './clip-maker.js';
import type { TargetResult } from './target-run.js';

/** docs/performance.md: what was measured and how, the machine, the command, the table, notes. */

export interface MachineFacts {
  nproc: string;
  model: string;
  memoryGiB: number;
  node: string;
  load: string;
}

export function machineFacts(): MachineFacts {
  let nproc = String(cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8', timeout: 5000 }).trim();
  } catch {
    // keep os.cpus()
  }
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1]!.trim();
  } catch {
    // keep os.cpus()
  }
  return {
    nproc,
    model,
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    load: loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

export interface DocInput {
  table: string;
  /** The HLS table; undefined with --no-hls. */
  hlsTable?: string;
  results: readonly TargetResult[];
  options: BenchOptions;
  command: string;
  machine: MachineFacts;
  /** Load average when the run ended. */
  loadAtEnd: string;
  date: Date;
  versions: string[];
}

export function renderDoc(p: DocInput): string {
  const o = p.options;
  const c = CLIP_SPEC;
  const notes = p.results.flatMap((r) => [
    ...(r.skipped ? [`${r.label}: skipped — ${r.skipped}`] : []),
    ...r.notes.map((n) => `${r.label}: ${n}`),
  ]);
  return `# Performance

\`npm run bench\` (scripts/bench/) runs xlive, node-media-server v4 and nginx + nginx-rtmp side by side, one
at a time, on the same machine with the same workload, and writes this page. Every server listens on
127.0.0.1; the publisher and all viewers run in the bench process, never in the measured server.

- **Workload**: a ${c.height}p${c.fps} H.264 High / AAC-LC clip at ~${((c.videoKbps + c.audioKbps) / 1000).toFixed(1)} Mbit/s (${c.seconds} s,
  keyframe every ${c.gop} frames, made once with ffmpeg), published over RTMP in a loop at real-time pace
  by a Node publisher that records when each video frame was sent.
- **Viewers**: lightweight Node clients: HTTP-FLV (scans FLV tag headers, skips payloads) and RTMP
  (handshake, connect, createStream, play, chunk parsing with the project's RTMP codec).
- **CPU-s per Gbit**: server utime+stime (\`/proc/<pid>/stat\`, CLK_TCK) over the window ÷ gigabits the viewers
  received. **RSS**: \`/proc/<pid>/status\` VmRSS / VmHWM; per extra viewer = (peak RSS in the window − RSS
  before the viewers joined) ÷ viewers. **First keyframe**: request sent → first video keyframe tag.
  **Latency**: publisher send time of a frame → viewer receive time, matched by dts.
  **Slow viewers**: they join, stop reading for the stall, then read again: dropped = the server had
  closed them. HTTP-FLV where the server has it, RTMP for nginx-rtmp.
- nginx-rtmp keeps no GOP cache: a new viewer waits for the next keyframe (up to ${c.gop / c.fps} s with this clip).
- Ratios are xlive ÷ the other: below 1 means xlive used less CPU/memory or was faster.
- xlive runs with its HLS plugin ${o.xliveHls ? 'enabled (--xlive-hls)' : 'disabled (the others do no HLS either; --xlive-hls keeps it)'}, open
  publishing (no stream key, like the others) and the per-IP HTTP limits lifted, since every bench viewer
  comes from 127.0.0.1.
- Caveat: a small shared machine. The bench client shares the cores with the server; when its CPU
  (last row) nears 100 % the client, not the server, limits delivery and latency. Treat single runs as
  indicative and compare ratios within one run, not across runs.

## Last run

- Date: ${p.date.toISOString()}
- Machine: ${p.machine.nproc} CPUs (\`nproc\`), ${p.machine.model}, ${p.machine.memoryGiB.toFixed(1)} GiB RAM, Node ${p.machine.node}; load average ${p.machine.load} at the start, ${p.loadAtEnd} at the end${busy(p)}
- Servers: ${p.versions.join('; ')}
- Command: \`${p.command}\`
- Settings: ${o.viewers} viewers per phase, ${o.seconds} s windows, ${o.warmupSeconds} s warm-up, publisher-only ${o.publisherSeconds} s,
  ${o.slowViewers} slow viewers stalled ${o.slowSeconds} s${o.bigViewers > 0 ? `, ${o.bigViewers}-viewer HTTP-FLV phase` : ', no large-viewer phase'}${o.quick ? ' (--quick)' : ''}

${p.table}
${p.hlsTable ? hlsSection(p) : ''}${notes.length > 0 ? `\nNotes:\n\n${notes.map((n) => `- ${n}`).join('\n')}\n` : ''}`;
}

function hlsSection(p: DocInput): string {
  const o = p.options;
  return `
## HLS

After its main phases each server runs an HLS section with fresh instances. Targets are those of issue 4.

- **Remux cost**: two instances run side by side, one with HLS on and one with it off, each fed the clip by its
  own publisher; their CPU (\`/proc/<pid>/stat\`) is read over the same ${o.hlsRounds} × ${o.hlsSeconds} s windows, so load
  from other processes hits both alike and cancels in the per-window difference. Cost = mean(on − off), scaled to
  a 3.2 Mbit/s stream; ± is the 95 % confidence half-width of that mean (Student's t over the windows); a
  half-width as large as the mean means the cost is below what this run can resolve.
  CPU-s per stream-hour = the difference for the clip × 3600. xlive: the \`hls\` plugin enabled vs disabled
  (\`xlive plugins disable hls\`; 2 s segments, 6-segment window, the defaults). nginx-rtmp: \`hls on; hls_fragment 2s;
  hls_playlist_length 12s;\` vs no \`hls\`, both with the same http server serving the HLS directory (sendfile on).
  node-media-server v4 has no HLS.
- **HLS clients**: ${o.hlsClients} Node clients (one keep-alive connection each) behave like players: load the live
  playlist, fetch each new segment (starting at the newest), reload after one target duration (half of one when
  nothing changed). Server CPU over a ${o.hlsClientSeconds} s window minus the HLS-on publisher-only CPU above;
  Mbit/s = segment bytes received; failed requests = non-200, timeouts, bodies not starting with the TS sync byte.
- **Playlist update lag**: xlive's own histogram \`xlive_hls_playlist_update_lag_seconds\` (closing keyframe in →
  playlist lists the segment), scraped from \`GET /metrics\` before and after, p50/p95 interpolated in its buckets
  (2, 5, 10, 25, 50, 100 ms …). Externally, for both servers, the playlist is polled every 10 ms for
  ${o.hlsLagSeconds} s: lag = response that first lists a new segment − the publisher's send time of the last
  keyframe before it. That includes the HTTP round trip and up to one poll interval (an upper bound).

${p.hlsTable}
`;
}

/** A warning when other work already loaded the CPUs before the run (1-minute load above the CPU count). */
function busy(p: DocInput): string {
  const cpus = Number(p.machine.nproc) || 1;
  const before = Number(p.machine.load.split(' ')[0]);
  return before > cpus ? ` — **busy machine** (load above ${cpus} before the run): other processes competed for the CPUs, expect noise` : '';
}
