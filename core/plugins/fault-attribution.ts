import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The plugin whose code is the topmost frame of `stack` that lies in a plugin folder, or undefined.
 * Frames appear as paths (`/opt/xlive/plugins/x/index.js:3:9`) or file URLs (ESM); a folder is
 * matched by its given and its real path. Best effort: an error created by Node itself (`ECONNRESET`
 * on a socket nobody listens to errors on) or a rejection with a non-Error value has no such frame.
 */
export function pluginOfStack(stack: string, dirs: ReadonlyArray<{ id: string; dir: string }>): string | undefined {
  const prefixes: Array<{ id: string; prefix: string }> = [];
  for (const { id, dir } of dirs) {
    for (const d of new Set([dir, real(dir)])) {
      prefixes.push({ id, prefix: d.endsWith(sep) ? d : d + sep });
      prefixes.push({ id, prefix: pathToFileURL(d).href + '/' });
    }
  }
  // The longest prefix wins when folders nest.
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    const hit = prefixes.find((p) => line.includes(p.prefix));
    if (hit) return hit.id;
  }
  return undefined;
}

function real(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
