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
${notes.length > 0 ? `\nNotes:\n\n${notes.map((n) => `- ${n}`).join('\n')}\n` : ''}`;
}

/** A warning when other work already loaded the CPUs before the run (1-minute load above the CPU count). */
function busy(p: DocInput): string {
  const cpus = Number(p.machine.nproc) || 1;
  const before = Number(p.machine.load.split(' ')[0]);
  return before > cpus ? ` — **busy machine** (load above ${cpus} before the run): other processes competed for the CPUs, expect noise` : '';
}
