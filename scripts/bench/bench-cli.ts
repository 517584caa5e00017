/**
 * The bench command: xlive vs node-media-server vs nginx-rtmp, one at a time, same workload, then
 * each one's HLS section; prints markdown tables and writes docs/performance.md. Loaded by main.ts once `xlive/sdk` resolves.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchOptions, USAGE, type BenchOptions } from './bench-options.js';
import type { BenchTarget, TargetId } from './bench-target.js';
import { ChildSet } from './child-set.js';
import { ensureClip } from './clip-maker.js';
import { parseClip } from './flv-file.js';
import { nginxBinary, NginxTarget } from './nginx-target.js';
import { runHlsStage, type HlsPair } from './hls-stage.js';
import { renderHlsTable } from './hls-table.js';
import { NmsTarget } from './nms-target.js';
import { machineFacts, renderDoc } from './performance-doc.js';
import { clockTicksPerSecond } from './proc-stats.js';
import { renderTable } from './results-table.js';
import { runTarget, type TargetResult } from './target-run.js';
import { XliveTarget } from './xlive-target.js';

/** No run may take longer than this, whatever the flags (then everything started is killed). */
const WATCHDOG_MS = 45 * 60_000;

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

function makeTarget(id: TargetId, repoRoot: string, o: BenchOptions): BenchTarget {
  switch (id) {
    case 'xlive':
      return new XliveTarget(repoRoot, o.xliveHls);
    case 'nms':
      return new NmsTarget(repoRoot);
    case 'nginx':
      return new NginxTarget();
  }
}

/** Two instances for the HLS section (HLS on, HLS off), or why the server has no HLS. */
function hlsPair(id: TargetId, repoRoot: string): HlsPair | string {
  switch (id) {
    case 'xlive':
      return { off: new XliveTarget(repoRoot, false), on: new XliveTarget(repoRoot, true) };
    case 'nms':
      return 'v4 has no HLS';
    case 'nginx':
      return { off: new NginxTarget({ on: false }), on: new NginxTarget({ on: true }) };
  }
}

function packageVersion(path: string): string {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

function serverVersions(repoRoot: string, ids: readonly TargetId[]): string[] {
  return ids.map((id) => {
    if (id === 'xlive') return `xlive ${packageVersion(join(repoRoot, 'package.json'))} (this checkout)`;
    if (id === 'nms') return `node-media-server ${packageVersion(join(repoRoot, 'node_modules', 'node-media-server', 'package.json'))}`;
    const bin = nginxBinary();
    if (!bin) return 'nginx (not installed)';
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8', timeout: 5000 });
    const v = /nginx\/(\S+)/.exec(`${r.stderr ?? ''}${r.stdout ?? ''}`)?.[1];
    return v ? `nginx ${v} + libnginx-mod-rtmp` : 'nginx (not installed)';
  });
}

async function run(o: BenchOptions, argv: string[], children: ChildSet, workRoot: string): Promise<void> {
  const startedAt = performance.now();
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const machine = machineFacts();
  const clipPath = await ensureClip(join(tmpdir(), 'xlive-bench-cache'), log);
  const clip = parseClip(readFileSync(clipPath));
  log(`clip ${clipPath}: ${clip.tags.length} tags, ${(clip.durationMs / 1000).toFixed(1)} s, ${((clip.bodyBytes * 8) / clip.durationMs / 1000).toFixed(2)} Mbit/s`);
  const ticksPerSecond = clockTicksPerSecond();
  const streamMbps = (clip.bodyBytes * 8) / clip.durationMs / 1000;
  const results: TargetResult[] = [];
  for (const id of o.servers) {
    const target = makeTarget(id, repoRoot, o);
    const deps = { options: o, clip, ticksPerSecond, workRoot, ctx: { children, repoRoot, log } };
    const result = await runTarget(target, deps);
    if (o.hls && !result.skipped) {
      result.hls = await runHlsStage(target.label, hlsPair(id, repoRoot), deps);
      result.notes.push(...result.hls.notes);
    }
    results.push(result);
  }
  log(`measured in ${((performance.now() - startedAt) / 1000).toFixed(0)} s`);
  const table = renderTable(results, o);
  const hlsTable = o.hls ? renderHlsTable(results, o, streamMbps) : undefined;
  process.stdout.write(`\n${table}\n\n${hlsTable ? `HLS:\n\n${hlsTable}\n\n` : ''}`);
  for (const r of results) for (const n of r.notes) log(`${r.label}: ${n}`);
  if (o.writeDoc) {
    const command = `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
    const loadAtEnd = machineFacts().load;
    const doc = renderDoc({ table, hlsTable, results, options: o, command, machine, loadAtEnd, date: new Date(), versions: serverVersions(repoRoot, o.servers) });
    const docPath = join(repoRoot, 'docs', 'performance.md');
    writeFileSync(docPath, doc);
    log(`wrote ${docPath}`);
  }
}

/** Runs the bench for `argv` (flags only); returns the exit code. */
export async function benchMain(argv: string[]): Promise<number> {
  let o: BenchOptions;
  try {
    o = parseBenchOptions(argv);
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const children = new ChildSet();
  const workRoot = mkdtempSync(join(tmpdir(), 'xlive-bench-'));
  const cleanup = () => {
    children.killAllNow();
    rmSync(workRoot, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the servers the bench started`);
    void children.stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const watchdog = setTimeout(() => {
    log(`the run took longer than ${WATCHDOG_MS / 60_000} min; aborting`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();
  try {
    await run(o, argv, children, workRoot);
    return 0;
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    await children.stopAll();
  }
}
