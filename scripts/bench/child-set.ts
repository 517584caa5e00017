import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/**
 * The processes the bench started, so they are stopped by PID — never by name — at the end, on
 * errors and on SIGINT. Output goes to a log file per process, read back for error messages.
 */

export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logPath: string;
  /** Exit code or signal once it has exited. */
  exited: string | undefined;
}

export class ChildSet {
  private readonly children = new Set<SpawnedServer>();

  spawn(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; logPath: string }): SpawnedServer {
    const fd = openSync(options.logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) throw new Error(`cannot start ${command}`);
    const s: SpawnedServer = { child, pid: child.pid, logPath: options.logPath, exited: undefined };
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      s.exited = String(code ?? signal);
      this.children.delete(s);
    });
    this.children.add(s);
    return s;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(s: SpawnedServer, graceMs = 5000): Promise<void> {
    if (s.exited !== undefined) return;
    const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
    signal(s.pid, 'SIGTERM');
    const timer = setTimeout(() => signal(s.pid, 'SIGKILL'), graceMs);
    const hardLimit = new Promise<void>((resolve) => setTimeout(resolve, graceMs + 2000).unref());
    await Promise.race([exited, hardLimit]);
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((s) => this.stop(s)));
  }

  /** Last resort from an exit handler: SIGKILL what is left, synchronously. */
  killAllNow(): void {
    for (const s of this.children) signal(s.pid, 'SIGKILL');
    this.children.clear();
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The tail of a log file, for an error message. */
export function logTail(path: string, chars = 1200): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(-chars).trim();
  } catch {
    return '';
  }
}
