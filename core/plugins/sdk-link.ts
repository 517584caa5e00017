import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Makes `import … from 'xlive/sdk'` resolve for plugins in `pluginsDir` by linking
 * `<pluginsDir>/node_modules/xlive` to the installed package. Node resolves the link to its real
 * path, so every plugin shares the host's one SDK module instance (`instanceof` on SDK errors works).
 * Cheaper than a module resolve hook, which costs a loader thread (~13 MB RSS on Node 20).
 * Returns false when the directory cannot be written (the caller falls back to the hook).
 */
export function linkSdkForPlugins(pluginsDir: string, packageRoot: string): boolean {
  const dir = join(pluginsDir, 'node_modules');
  const link = join(dir, 'xlive');
  try {
    try {
      if (resolve(dir, readlinkSync(link)) === resolve(packageRoot)) return true;
      rmSync(link, { force: true, recursive: true });
    } catch {
      // no link yet
    }
    mkdirSync(dir, { recursive: true });
    symlinkSync(packageRoot, link, 'dir');
    return true;
  } catch {
    return false;
  }
}
