/**
 * The real systemd tools (Debian package `systemd`; systemd need not be PID 1) run over the unit files
 * in `systemd/`: the offline security score, `verify` in a throwaway root that holds the unit, its
 * ExecStart binary and the distribution's own units, and the system call allow list a unit's
 * SystemCallFilter= lines give (for test/helpers/seccomp-exec.py).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function systemdTool(cmd: string, args: string[], timeoutMs = 60_000): ToolResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' } });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `systemd-analyze security --offline=true <unit file>`: the overall exposure (0.0 … 10.0) and the full table. */
export function securityExposure(unitFile: string): { exposure: number; report: string } {
  const r = systemdTool('systemd-analyze', ['security', '--offline=true', '--no-pager', unitFile]);
  const m = /Overall exposure level for \S+: (\d+(?:\.\d+)?)/.exec(r.stdout);
  if (!m) throw new Error(`systemd-analyze security printed no exposure (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return { exposure: Number(m[1]), report: r.stdout };
}

/** The system units directory of this machine (Debian: /lib/systemd/system, merged /usr). */
function distUnitDir(): string {
  for (const d of ['/usr/lib/systemd/system', '/lib/systemd/system']) if (existsSync(join(d, 'sysinit.target'))) return d;
  throw new Error('no systemd unit directory with sysinit.target (is the Debian package "systemd" installed?)');
}

/**
 * A throwaway root for `systemd-analyze verify --root=`: the distribution's units (targets the unit
 * orders itself after), the given units under /usr/lib/systemd/system, drop-ins under
 * /etc/systemd/system/<unit>.d, and an executable stand-in at each given binary path.
 */
export function verifyRoot(o: { units: Record<string, string>; dropIns?: Record<string, Record<string, string>>; binaries: string[] }): string {
  const root = mkdtempSync(join(tmpdir(), 'xlive-verify-'));
  const unitDir = join(root, 'usr', 'lib', 'systemd', 'system');
  mkdirSync(dirname(unitDir), { recursive: true });
  cpSync(distUnitDir(), unitDir, { recursive: true, verbatimSymlinks: true });
  for (const [name, text] of Object.entries(o.units)) writeFileSync(join(unitDir, name), text);
  for (const [unit, files] of Object.entries(o.dropIns ?? {})) {
    const dir = join(root, 'etc', 'systemd', 'system', `${unit}.d`);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  }
  for (const bin of o.binaries) {
    const p = join(root, bin);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, '#!/bin/sh\nexit 0\n');
    chmodSync(p, 0o755);
  }
  return root;
}

/** `systemd-analyze verify --root=<root> --man=no <unit>`: exit code and everything it printed. */
export function verifyUnit(root: string, unit: string): ToolResult {
  return systemdTool('systemd-analyze', ['verify', `--root=${root}`, '--man=no', unit]);
}

/** Absolute binaries named by Exec*= lines (without the `-@:+!` prefixes). */
export function execBinaries(unitText: string): string[] {
  const out = new Set<string>();
  for (const m of unitText.matchAll(/^Exec\w+=([-@:+!]*)(\/\S+)/gm)) out.add(m[2]!);
  return [...out];
}

/** Every group of `systemd-analyze syscall-filter`, with nested groups as `@name` entries. */
export function syscallGroups(): Map<string, string[]> {
  const text = execFileSync('systemd-analyze', ['syscall-filter', '--no-pager'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
  const groups = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (/^@[\w-]+$/.test(line)) groups.set(line, (current = []));
    else if (!/^\s+\S/.test(line)) current = undefined; // a blank line ends a group
    else if (current && !line.trim().startsWith('#')) current.push(line.trim());
  }
  if (!groups.has('@system-service') || !groups.has('@default')) throw new Error('systemd-analyze syscall-filter listed no @system-service/@default');
  return groups;
}

function expand(name: string, groups: Map<string, string[]>, seen = new Set<string>()): string[] {
  if (!name.startsWith('@')) return [name];
  if (seen.has(name)) return [];
  seen.add(name);
  const members = groups.get(name);
  if (!members) throw new Error(`unknown system call group ${name}`);
  return members.flatMap((m) => expand(m, groups, seen));
}

/**
 * The allow list systemd builds from a unit's SystemCallFilter= lines (systemd.exec(5)): the first line
 * decides allow- or deny-listing; an allow list implicitly holds @default; a later `~` line removes
 * its calls from the allow list. Only allow lists are supported (xlive's unit uses one).
 */
export function unitSyscallAllowList(unitText: string, groups: Map<string, string[]>): string[] {
  const lines = [...unitText.matchAll(/^SystemCallFilter=(.*)$/gm)].map((m) => m[1]!.trim());
  if (lines.length === 0 || lines[0]!.startsWith('~')) throw new Error('the unit has no SystemCallFilter= allow list');
  const allowed = new Set(expand('@default', groups));
  for (const line of lines) {
    if (line === '') throw new Error('SystemCallFilter= reset is not supported here');
    const deny = line.startsWith('~');
    for (const word of line.replace(/^~/, '').split(/\s+/)) {
      const name = word.replace(/:.*$/, '');
      for (const call of expand(name, groups)) deny ? allowed.delete(call) : allowed.add(call);
    }
  }
  return [...allowed].sort();
}
