// Copies what tsc does not: plugin manifests (package.json) next to their compiled code, and static assets.
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const ASSET = /\.(json|html|css|svg|png|ico|txt)$/;

function copyAssets(srcDir, destDir) {
  if (!existsSync(srcDir)) return;
  for (const entry of readdirSync(srcDir)) {
    if (entry === 'node_modules') continue;
    const src = join(srcDir, entry);
    const dest = join(destDir, entry);
    if (statSync(src).isDirectory()) copyAssets(src, dest);
    else if ((ASSET.test(entry) || (srcDir.endsWith('/panel') && entry.endsWith('.js'))) && entry !== 'tsconfig.json') {
      mkdirSync(destDir, { recursive: true });
      cpSync(src, dest);
    }
  }
}

for (const dir of ['plugins', 'examples', 'appliance', 'core']) copyAssets(join(root, dir), join(root, 'dist', dir));

// The panel's recording player: hls.js (light build), served by the box itself, loaded only on Play.
const hlsLight = join(root, 'node_modules', 'hls.js', 'dist', 'hls.light.min.js');
if (existsSync(hlsLight)) cpSync(hlsLight, join(root, 'dist', 'appliance', 'panel', 'hls-light.js'));
// The HTTP-FLV preview: mpegts.js, also loaded only when an FLV preview opens.
const mpegts = join(root, 'node_modules', 'mpegts.js', 'dist', 'mpegts.js');
if (existsSync(mpegts)) cpSync(mpegts, join(root, 'dist', 'appliance', 'panel', 'mpegts.js'));

// Built-in plugins import 'xlive/sdk'. Each has its own package.json in dist/plugins/<id>/ (its own
// package scope), so the package self-reference does not reach them: dist/node_modules/xlive does.
const link = join(root, 'dist', 'node_modules', 'xlive');
mkdirSync(join(root, 'dist', 'node_modules'), { recursive: true });
try {
  lstatSync(link);
} catch {
  symlinkSync('../..', link, 'dir');
}
