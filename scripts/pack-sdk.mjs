// Packs the plugin SDK as the npm package a plugin author installs without the xlive source:
//   dist/sdk-package/xlive-sdk-<version>.tgz     (npm pack of dist/sdk-package/package/)
// Name `xlive` (so `import … from 'xlive/sdk'` reads the same in a plugin's project and on a box),
// exports `./sdk`, `./sdk/testing`, `./media`. Contents: the built core (dist/core: .js + .d.ts, no
// tests, no source maps) — the SDK's and the media library's types, and the runtime `xlive/sdk/testing`
// needs (the host's own hub, HTTP app, store and context factory). Dependencies: what those files import
// (versions from xlive's package.json), the @types of those that ship none, and @types/node, so a
// plugin compiles out of the box. Run after `npm run build`: `npm run pack:sdk` (CI runs it after the
// tests); `--out <dir>` writes elsewhere. Publishing: see docs/plugins.md, "The SDK package".
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = resolve(values.out ?? join(root, 'dist', 'sdk-package'));
const built = join(root, 'dist', 'core');
if (!existsSync(join(built, 'sdk', 'testing', 'index.js'))) throw new Error(`${built} is not built: run npm run build first`);

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = join(outDir, 'package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

// The built core, without tests and source maps.
const shipped = [];
(function copy(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) copy(p);
    else if (/\.(js|d\.ts)$/.test(e.name) && !/\.test\.(js|d\.ts)$/.test(e.name)) {
      const to = join(stage, 'dist', 'core', relative(built, p));
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(p, to);
      shipped.push(to);
    }
  }
})(built);

// Every bare import in what ships decides the dependencies.
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const imported = new Set();
for (const f of shipped) {
  const text = readFileSync(f, 'utf8');
  const specs = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  for (const spec of specs) {
    if (spec.startsWith('.') || spec.startsWith('/')) continue;
    if (builtins.has(spec) || spec.startsWith('node:') || spec.startsWith('xlive/')) continue;
    imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
  }
}
const known = { ...rootPkg.devDependencies, ...rootPkg.dependencies };
const dependencies = { '@types/node': rootPkg.devDependencies['@types/node'] };
for (const name of [...imported].sort()) {
  if (!known[name]) throw new Error(`the SDK package imports ${name}, which is not a dependency of xlive`);
  dependencies[name] = known[name];
  const types = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
  if (rootPkg.devDependencies[types]) dependencies[types] = rootPkg.devDependencies[types];
}

const entry = (p) => ({ types: `./dist/core/${p}/index.d.ts`, default: `./dist/core/${p}/index.js` });
const pkg = {
  name: 'xlive',
  version: rootPkg.version,
  description: 'The xlive plugin SDK: types for xlive/sdk and xlive/media, and the xlive/sdk/testing harness.',
  type: 'module',
  license: rootPkg.license,
  engines: rootPkg.engines,
  exports: { './sdk': entry('sdk'), './sdk/testing': entry('sdk/testing'), './media': entry('media'), './package.json': './package.json' },
  files: ['dist/'],
  dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
};
writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  join(stage, 'README.md'),
  `# xlive (plugin SDK)\n\nTypes and test harness for writing an [xlive](https://github.com/) plugin.\n\n` +
    `- \`xlive/sdk\`: \`definePlugin\`, the plugin context types, the coded errors.\n` +
    `- \`xlive/media\`: the media library (bytes, H.264/H.265/AAC, FLV, AMF0).\n` +
    `- \`xlive/sdk/testing\`: run a plugin against the real hub, HTTP app and store in a test.\n\n` +
    `Install it as a **dev** dependency: on a box, plugins get the box's own copy. Bundling this package\n` +
    `into a plugin is refused at load time. Plugin API ${apiVersion()}; see docs/plugins.md.\n`,
);

function apiVersion() {
  const m = readFileSync(join(root, 'core', 'sdk', 'plugin.ts'), 'utf8').match(/PLUGIN_API_VERSION\s*=\s*'([^']+)'/);
  return m ? m[1] : 'unknown';
}

// npm pack: the tarball npm publish would upload (package/…, fixed mtimes).
const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
const out = join(outDir, `xlive-sdk-${rootPkg.version}.tgz`);
renameSync(join(outDir, name), out);
rmSync(stage, { recursive: true, force: true });
process.stdout.write(`packed ${out}\n`);
