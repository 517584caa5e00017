/**
 * Runs the real appliance (`node dist/appliance/cli/main.js serve`) as a child process on ephemeral
 * loopback ports, with its own temp data dir, and reads the bound ports from XLIVE_PORTS_FILE.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CLI = join(PACKAGE_ROOT, 'dist', 'appliance', 'cli', 'main.js');

export interface ApplianceHandle {
  child: ChildProcess;
  dataDir: string;
  ports: Record<string, { host: string; port: number }>;
  httpUrl: string;
  rtmpUrl: string;
  output(): string;
  /** The bound ports as the box last reported them (they change when it restarts in place). */
  readPorts(): Record<string, { host: string; port: number }>;
  /** SIGTERM and wait; resolves to the exit code (or signal name). */
  stop(): Promise<number | string | null>;
}

export interface StartOptions {
  env?: Record<string, string>;
  dataDir?: string;
  cwd?: string;
  timeoutMs?: number;
  keepDataDir?: boolean;
  /** Start the box with this RLIMIT_NOFILE (soft and hard), through prlimit(1), as a small device would have. */
  openFileLimit?: number;
  /** Run the box under this command prefix (it must exec its arguments), e.g. a seccomp filter. */
  wrap?: string[];
}

export async function startAppliance(opts: StartOptions = {}): Promise<ApplianceHandle> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'xlive-e2e-'));
  const portsFile = join(dataDir, `ports-${process.pid}-${Date.now()}.json`);
  const cwd = opts.cwd ?? dataDir;
  // prlimit sets the limit and execs node: same pid, so /proc/<pid> is the box's.
  const [cmd, args] = opts.openFileLimit
    ? ['prlimit', [`--nofile=${opts.openFileLimit}:${opts.openFileLimit}`, '--', process.execPath, CLI, 'serve']]
    : [process.execPath, [CLI, 'serve']];
  const [wcmd, wargs] = opts.wrap?.length ? [opts.wrap[0]!, [...opts.wrap.slice(1), cmd, ...args]] : [cmd, args];
  const child = spawn(wcmd, wargs, {
    cwd,
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/root',
      XLIVE_DATA_DIR: dataDir,
      XLIVE_HTTP_HOST: '127.0.0.1',
      XLIVE_HTTP_PORT: '0',
      XLIVE_RTMP_HOST: '127.0.0.1',
      XLIVE_RTMP_PORT: '0',
      XLIVE_LOG_LEVEL: 'info',
      XLIVE_PORTS_FILE: portsFile,
      // Every documented route's answers are checked against its doc (500 RESPONSE_INVALID on drift).
      XLIVE_CHECK_RESPONSES: '1',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 2_000_000) out = out.slice(-1_000_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string | null>((res) => child.once('exit', (code, signal) => res(code ?? signal)));
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  // The box writes the file with writeFileSync (not atomic): wait until it holds the whole JSON.
  const readPorts = (): ApplianceHandle['ports'] | undefined => {
    try {
      return existsSync(portsFile) ? (JSON.parse(readFileSync(portsFile, 'utf8')) as ApplianceHandle['ports']) : undefined;
    } catch {
      return undefined;
    }
  };
  let ports = readPorts();
  while (!ports) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`appliance did not start (exit ${child.exitCode}):\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
    ports = readPorts();
  }
  const http = ports['http']!;
  const rtmp = ports['rtmp'];
  return {
    child,
    dataDir,
    ports,
    httpUrl: `http://127.0.0.1:${http.port}`,
    rtmpUrl: rtmp ? `rtmp://127.0.0.1:${rtmp.port}` : '',
    output: () => out,
    readPorts: () => JSON.parse(readFileSync(portsFile, 'utf8')) as ApplianceHandle['ports'],
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      if (!opts.keepDataDir && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Run the CLI to completion (config check, plugins list, backup…). */
export function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', rej);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}
