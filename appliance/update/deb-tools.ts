import { execFile } from 'node:child_process';
import { UpdatePackageInvalidError } from '../../core/errors/xlive-error.js';

/** Run a program, resolve with its output; never a shell. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 10 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || (err && !stderr ? err.message : '')) });
    });
  });
}

export interface DebControl {
  package: string;
  version: string;
  architecture: string;
}

/** The control fields of a .deb (`dpkg-deb -f`); UPDATE_PACKAGE_INVALID when it is not a readable package. */
export async function readDebControl(file: string): Promise<DebControl> {
  const r = await run('dpkg-deb', ['-f', file, 'Package', 'Version', 'Architecture']);
  if (r.code !== 0) throw new UpdatePackageInvalidError(`not a readable Debian package: ${lastLine(r.stderr)}`);
  const f = parseFields(r.stdout);
  const c = { package: f['Package'] ?? '', version: f['Version'] ?? '', architecture: f['Architecture'] ?? '' };
  if (!c.package || !c.version || !c.architecture) throw new UpdatePackageInvalidError('the package has no Package, Version or Architecture field');
  return c;
}

/** The installed version of a package, or undefined when it is not (fully) installed. */
export async function installedVersion(pkg: string): Promise<string | undefined> {
  const r = await run('dpkg-query', ['-W', '-f', '${Status}\\t${Version}', pkg]);
  if (r.code !== 0) return undefined;
  const [status, version] = r.stdout.split('\t');
  return status === 'install ok installed' && version ? version : undefined;
}

export async function hostArchitecture(): Promise<string> {
  const r = await run('dpkg', ['--print-architecture']);
  return r.stdout.trim();
}

/** `dpkg --compare-versions a op b`. */
export async function compareVersions(a: string, op: 'lt' | 'gt' | 'eq', b: string): Promise<boolean> {
  return (await run('dpkg', ['--compare-versions', a, op, b])).code === 0;
}

/**
 * Install a .deb without questions: keep the admin's config files (confold), take the package's for
 * the ones never changed (confdef). Downgrades (a rollback) are allowed by dpkg with a warning.
 */
export async function installDeb(file: string): Promise<{ ok: boolean; output: string }> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const r = await run('dpkg', ['--force-confdef', '--force-confold', '-i', file], { env, timeoutMs: 20 * 60_000 });
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/** deb822 fields of one paragraph (continuation lines joined with newlines). */
export function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let last: string | undefined;
  for (const line of text.split('\n')) {
    if (/^\s/.test(line) && last) {
      out[last] += '\n' + line;
      continue;
    }
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):\s?(.*)$/.exec(line);
    if (m) {
      last = m[1]!;
      out[last] = m[2]!;
    }
  }
  return out;
}

export function lastLine(s: string): string {
  return s.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
}

/** The gid of the service's group `xlive` (root helpers give it read access to their results), if it exists. */
export async function serviceGid(): Promise<number | undefined> {
  const r = await run('getent', ['group', 'xlive']);
  const gid = Number(r.stdout.split(':')[2]);
  return r.code === 0 && Number.isInteger(gid) ? gid : undefined;
}
