import { readFileSync } from 'node:fs';
import { run, lastLine } from './deb-tools.js';

/** The xlive unit as the updater drives it (systemctl). */
export class SystemdUnit {
  constructor(readonly name: string) {}

  async stop(): Promise<void> {
    await this.ctl('stop');
  }

  /** Start and wait for the unit's own start (Type=notify: READY=1, or failure). */
  async start(): Promise<{ ok: boolean; error: string }> {
    // A broken version may have hit the start limit (StartLimitBurst): re-arm it first.
    await this.ctl('reset-failed');
    const r = await this.ctl('start');
    return { ok: r.code === 0, error: lastLine(r.stderr) };
  }

  async state(): Promise<{ active: string; mainPid: number }> {
    return parseUnitState((await run('systemctl', ['show', '-p', 'ActiveState', '-p', 'MainPID', this.name])).stdout);
  }

  private ctl(verb: string): ReturnType<typeof run> {
    return run('systemctl', [verb, this.name], { timeoutMs: 5 * 60_000 });
  }
}

/**
 * `systemctl show -p ActiveState -p MainPID` output. By name, never by position: systemctl prints
 * properties in its own table order (MainPID, a service property, before ActiveState), not in the
 * order they were asked for.
 */
export function parseUnitState(stdout: string): { active: string; mainPid: number } {
  const props = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) props.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return { active: props.get('ActiveState') || 'unknown', mainPid: Number(props.get('MainPID')) || 0 };
}

export interface ReadyFile {
  version: string;
  pid: number;
  listeners: Record<string, { host: string; port: number }>;
}

export type GateResult = { ok: true; afterMs: number } | { ok: false; reason: string };

export interface GateOptions {
  /** The version that must be serving. */
  version: string;
  /** `<runtimeDir>/ready.json`, written by the box when ready. */
  readyFile: string;
  unit: Pick<SystemdUnit, 'state'>;
  timeoutMs: number;
  /** Ready must hold this long without interruption (same process, /readyz 200). */
  settleMs: number;
  pollMs?: number;
  fetchImpl?: typeof fetch;
}

/**
 * The health gate of an update: within `timeoutMs` the unit is active, its main process wrote
 * ready.json for `version`, and `/readyz` answers 200 — continuously for `settleMs` (a crash or a
 * failing check right after start is a failure too). Resolves with the reason it last saw otherwise.
 */
export async function waitUntilReady(o: GateOptions): Promise<GateResult> {
  const started = Date.now();
  const poll = o.pollMs ?? 1000;
  const doFetch = o.fetchImpl ?? fetch;
  let reason = 'not checked yet';
  let readySince: number | undefined;
  let readyPid = 0;
  while (Date.now() - started < o.timeoutMs) {
    const seen = await observe(o, doFetch);
    if (seen.ok && (readySince === undefined || seen.pid !== readyPid)) {
      readySince = Date.now();
      readyPid = seen.pid;
    } else if (!seen.ok) {
      readySince = undefined;
      reason = seen.reason;
    }
    if (readySince !== undefined && Date.now() - readySince >= o.settleMs) return { ok: true, afterMs: Date.now() - started };
    await new Promise((r) => setTimeout(r, poll));
  }
  return { ok: false, reason: `not ready within ${Math.round(o.timeoutMs / 1000)} s: ${reason}` };
}

async function observe(o: GateOptions, doFetch: typeof fetch): Promise<{ ok: true; pid: number } | { ok: false; reason: string }> {
  const { active, mainPid } = await o.unit.state();
  if (active !== 'active') return { ok: false, reason: `the service is ${active}` };
  let ready: ReadyFile;
  try {
    ready = JSON.parse(readFileSync(o.readyFile, 'utf8')) as ReadyFile;
  } catch {
    return { ok: false, reason: `the service has not reported ready (${o.readyFile})` };
  }
  if (ready.version !== o.version) return { ok: false, reason: `version ${ready.version} is serving, not ${o.version}` };
  if (ready.pid !== mainPid) return { ok: false, reason: `ready.json is from process ${ready.pid}, the service runs ${mainPid}` };
  const http = ready.listeners?.['http'];
  if (!http?.port) return { ok: false, reason: 'ready.json names no HTTP listener' };
  const host = http.host === '0.0.0.0' || http.host === '' ? '127.0.0.1' : http.host === '::' ? '[::1]' : http.host.includes(':') ? `[${http.host}]` : http.host;
  try {
    const res = await doFetch(`http://${host}:${http.port}/readyz`, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    if (res.status !== 200) return { ok: false, reason: `/readyz answered ${res.status}: ${problemDetail(body)}` };
  } catch (err) {
    return { ok: false, reason: `/readyz: ${(err as Error).message}` };
  }
  return { ok: true, pid: mainPid };
}

/** The `detail` of a problem+json body (what failed), else the body's start. */
function problemDetail(body: string): string {
  try {
    const detail = (JSON.parse(body) as { detail?: unknown }).detail;
    if (typeof detail === 'string') return detail.slice(0, 300);
  } catch {
    // not JSON
  }
  return body.slice(0, 300);
}
