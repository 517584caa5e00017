import { chownSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** SQLite files: the database, its write-ahead log and shared memory. */
const DB_FILE = /\.(db|sqlite|sqlite3)(-wal|-shm|-journal)?$/;
/** Media and spools: never databases, possibly huge. */
const SKIP_DIRS = new Set(['recordings', 'segments', 'run', 'updates', 'plugins', 'node_modules']);
// xlive.db at the top, plugin-data/<id>/<id>.db below: deeper is media.
const MAX_DEPTH = 2;
const MANIFEST = 'snapshot.json';

interface SnapshotEntry {
  path: string;
  mode: number;
  uid: number;
  gid: number;
  bytes: number;
}

/**
 * Copies of every SQLite database under the data directory (the core's and each plugin's), taken while
 * the service is stopped, so the files are consistent as they are. Taken before a new version migrates
 * them; restored before the previous version runs again, so old code never opens a newer schema.
 */
export function snapshotDatabases(dataDir: string, dest: string): { files: number; bytes: number } {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true, mode: 0o700 });
  const entries: SnapshotEntry[] = [];
  for (const file of findDatabaseFiles(dataDir)) {
    const st = statSync(file);
    const rel = relative(dataDir, file);
    const to = join(dest, 'files', rel);
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    copyFileSync(file, to);
    entries.push({ path: rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, bytes: st.size });
  }
  writeFileSync(join(dest, MANIFEST), JSON.stringify({ dataDir, takenAt: new Date().toISOString(), entries }, null, 1));
  return { files: entries.length, bytes: entries.reduce((a, e) => a + e.bytes, 0) };
}

/**
 * Put the snapshot back: every file as it was (atomically, owner and mode kept), and every database
 * file the snapshot does not have removed — a WAL the newer version left next to a restored database
 * would otherwise be replayed into it, and a database the newer version created has no place in the
 * older one's data.
 */
export function restoreDatabases(dataDir: string, src: string): { files: number; removed: number } {
  const manifest = JSON.parse(readFileSync(join(src, MANIFEST), 'utf8')) as { entries: SnapshotEntry[] };
  const keep = new Set(manifest.entries.map((e) => e.path));
  let removed = 0;
  for (const file of findDatabaseFiles(dataDir)) {
    if (!keep.has(relative(dataDir, file))) {
      rmSync(file, { force: true });
      removed++;
    }
  }
  for (const e of manifest.entries) {
    if (e.path.split(sep).includes('..')) throw new Error(`snapshot entry ${e.path} leaves the data directory`);
    const to = join(dataDir, e.path);
    mkdirSync(dirname(to), { recursive: true });
    const tmp = `${to}.restore-tmp`;
    copyFileSync(join(src, 'files', e.path), tmp);
    chmodSync(tmp, e.mode);
    chownSync(tmp, e.uid, e.gid);
    renameSync(tmp, to);
  }
  return { files: manifest.entries.length, removed };
}

export function findDatabaseFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP_DIRS.has(name)) walk(p, depth + 1);
      } else if (st.isFile() && DB_FILE.test(name)) {
        out.push(p);
      }
    }
  };
  walk(dataDir, 0);
  return out.sort();
}
