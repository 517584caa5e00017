// Packs the built example plugin (dist/examples/hello-plugin: package.json + compiled index.js) into
// the package format `POST /api/v1/plugins` and `xlive plugins install` take: a gzip'd ustar with the
// files under package/, as `npm pack` writes. Output (stable path, reproducible bytes):
//   dist/examples/hello-plugin-<version>.tgz      (version from examples/hello-plugin/package.json)
// Run by `npm run build`; alone: `node scripts/pack-example-plugin.mjs` (after tsc).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const built = join(root, 'dist', 'examples', 'hello-plugin');
const { writeTar } = await import(join(root, 'dist', 'core', 'backup', 'tar.js'));

const pkg = JSON.parse(readFileSync(join(root, 'examples', 'hello-plugin', 'package.json'), 'utf8'));
const files = ['package.json', pkg.main ?? 'index.js'];
for (const f of files) {
  if (!existsSync(join(built, f))) throw new Error(`${join(built, f)} is missing: build first (npm run build)`);
}
// Fixed mtime: the same sources give the same bytes.
const tar = writeTar(files.map((f) => ({ path: `package/${f}`, data: readFileSync(join(built, f)), mode: 0o644, mtime: 0 })));
const out = join(root, 'dist', 'examples', `hello-plugin-${pkg.version}.tgz`);
writeFileSync(out, gzipSync(tar, { level: 9 }));
process.stdout.write(`packed ${out}\n`);
