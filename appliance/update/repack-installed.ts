import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseFields, run, lastLine } from './deb-tools.js';

/** Fields of the status paragraph that describe the installation, not the package. */
const STATUS_ONLY = new Set(['Status', 'Conffiles', 'Config-Version']);
const SCRIPTS = ['preinst', 'postinst', 'prerm', 'postrm'];

/**
 * Rebuild the installed package as a .deb from dpkg's own records (what `dpkg-repack` does): its control
 * paragraph, the files in `info/<pkg>.list`, its conffiles (as they are now on disk) and maintainer
 * scripts. The updater keeps this as "the previous version" when the box got xlive from somewhere else
 * than an earlier update (the image, apt, install.sh). Returns the file written.
 */
export async function repackInstalled(pkg: string, outFile: string, opts: { admindir?: string; root?: string; tmpDir: string }): Promise<string> {
  const admindir = opts.admindir ?? '/var/lib/dpkg';
  const root = opts.root ?? '/';
  const q = await run('dpkg-query', [`--admindir=${admindir}`, '-s', pkg]);
  if (q.code !== 0) throw new Error(`${pkg} is not installed: ${lastLine(q.stderr)}`);
  const fields = parseFields(q.stdout);
  if (!/install ok installed/.test(fields['Status'] ?? '')) throw new Error(`${pkg} is not fully installed (${fields['Status']})`);

  const tree = mkdtempSync(join(opts.tmpDir, 'repack-'));
  try {
    const info = join(admindir, 'info');
    const list = readFileSync(join(info, `${pkg}.list`), 'utf8').split('\n').filter((p) => p && p !== '/.');
    for (const path of list) {
      const src = join(root, path);
      const dest = join(tree, path);
      let st;
      try {
        st = lstatSync(src);
      } catch {
        continue; // removed by hand since: the rebuilt package lacks it too
      }
      if (st.isDirectory()) {
        mkdirSync(dest, { recursive: true });
        chmodSync(dest, st.mode & 0o7777);
      } else if (st.isSymbolicLink()) {
        mkdirSync(dirname(dest), { recursive: true });
        symlinkSync(readlinkSync(src), dest);
      } else if (st.isFile()) {
        mkdirSync(dirname(dest), { recursive: true });
        copyFileSync(src, dest);
        chmodSync(dest, st.mode & 0o7777);
      }
    }
    const control = join(tree, 'DEBIAN');
    mkdirSync(control, { recursive: true });
    const paragraph = Object.entries(fields)
      .filter(([k]) => !STATUS_ONLY.has(k))
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    writeFileSync(join(control, 'control'), paragraph + '\n');
    const conffiles = readIfExists(join(info, `${pkg}.conffiles`));
    if (conffiles?.trim()) writeFileSync(join(control, 'conffiles'), conffiles.endsWith('\n') ? conffiles : conffiles + '\n');
    const md5 = readIfExists(join(info, `${pkg}.md5sums`));
    if (md5) writeFileSync(join(control, 'md5sums'), md5);
    for (const s of SCRIPTS) {
      const f = join(info, `${pkg}.${s}`);
      if (existsSync(f)) {
        copyFileSync(f, join(control, s));
        chmodSync(join(control, s), 0o755);
      }
    }
    // gzip -1: a Pi rebuilds ~70 MB in seconds; xz would take minutes for a file kept only for rollback.
    const b = await run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', tree, outFile]);
    if (b.code !== 0) throw new Error(`dpkg-deb --build failed: ${lastLine(b.stderr)}`);
    return outFile;
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
