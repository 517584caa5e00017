import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WORK_DIR = /^\.(?:restore|backup)-[0-9a-f]{12}$/;

/**
 * Remove the staging directories a backup or restore left in the data directory when the process
 * died in the middle (`.backup-<hex>`, `.restore-<hex>`), once they are older than `olderThanMs`
 * (so a backup running right now from the console is never touched). Returns what was removed.
 */
export function removeStaleWorkDirs(dataDir: string, now = Date.now(), olderThanMs = 3_600_000): string[] {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!WORK_DIR.test(name)) continue;
    const dir = join(dataDir, name);
    try {
      const st = statSync(dir);
      if (!st.isDirectory() || now - st.mtimeMs < olderThanMs) continue;
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone meanwhile, or not ours to remove: leave it
    }
  }
  return removed;
}
