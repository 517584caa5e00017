import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeError, isXliveError } from '../../core/errors/xlive-error.js';
import { apiCompatible, manifestFromPackage } from '../../core/plugins/manifest.js';
import { checkPackageFiles, type PackageFile } from '../../core/plugins/plugin-archive.js';
import { refuseUnknownPermissions } from '../../core/plugins/plugin-installer.js';
import { installSdkResolver } from '../../core/plugins/sdk-resolver.js';
import type { PluginDefinition, PluginManifest } from '../../core/sdk/plugin.js';

/** One result of `xlive plugins check`, in words. */
export interface CheckFinding {
  ok: boolean;
  what: string;
}

export interface CheckOptions {
  hostApiVersion: string;
  packageRoot: string;
  limits: { maxEntries: number; maxUnpackedBytes: number };
  /** Names a plugin command may not take. */
  coreCommands: readonly string[];
}

/** A sentence only the SDK's own code holds: found in a plugin's built files, the SDK was bundled into it. */
const SDK_MARKER = 'definePlugin() needs an object with a setup(ctx) function';

/**
 * `xlive plugins check <dir>`: everything the installer and the host would refuse, without starting the
 * box or installing: the manifest (the installer's own checks: schema, permissions, strict config schema,
 * apiVersion against this box), the files npm would pack (paths, sizes, native modules for this
 * architecture), the built entry (exists, ESM, default export from definePlugin), no bundled SDK copy,
 * and the console commands it declares. Imports the plugin's entry (its top-level code runs).
 */
export async function checkPlugin(dirArg: string, o: CheckOptions): Promise<CheckFinding[]> {
  const dir = resolve(dirArg);
  const findings: CheckFinding[] = [];
  const ok = (what: string) => findings.push({ ok: true, what });
  const bad = (what: string) => findings.push({ ok: false, what });
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile)) {
    bad(`${dir} has no package.json; give the plugin's folder (the one with the "xlive" manifest)`);
    return findings;
  }
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    bad(`package.json is not JSON: ${(err as Error).message}`);
    return findings;
  }
  let m: PluginManifest;
  try {
    refuseUnknownPermissions(pkg);
    m = manifestFromPackage(pkg, dir, 'external', 'package.json');
    ok(`manifest: ${m.id} ${m.version}, kinds ${m.kinds.join(', ')}, permissions ${m.permissions.length ? m.permissions.join(', ') : '(none)'}; config schema is valid (strict)`);
  } catch (err) {
    bad(`manifest: ${message(err)}`);
    return findings;
  }
  if (apiCompatible(m, o.hostApiVersion)) ok(`apiVersion ${m.apiVersion} includes this box's plugin API ${o.hostApiVersion}`);
  else bad(`apiVersion ${m.apiVersion} does not include this box's plugin API ${o.hostApiVersion} (PLUGIN_API_MISMATCH): set "xlive.apiVersion" to "^${o.hostApiVersion}"`);

  const files = shippedFiles(dir, pkg);
  try {
    checkPackageFiles(files, o.limits);
    ok(`files: ${files.length} would be shipped; paths, sizes and native modules are fine for ${process.arch}`);
  } catch (err) {
    bad(`files: ${message(err)}`);
  }

  const bundled = bundledSdk(dir, pkg, files);
  if (bundled) bad(bundled);
  else ok('no bundled copy of the xlive SDK (the box provides xlive/sdk and xlive/media)');

  const mainRel = relative(dir, m.main).split(sep).join('/');
  if (!existsSync(m.main)) {
    bad(`the entry ${mainRel} ("main" of package.json) does not exist: build the plugin first (npm run build)`);
    return findings;
  }
  const esm = pkg['type'] === 'module' || m.main.endsWith('.mjs');
  if (!esm) {
    bad(`the entry ${mainRel} is loaded as CommonJS: a plugin must be an ES module; add "type": "module" to package.json (and compile with "module": "NodeNext")`);
    return findings;
  }
  installSdkResolver(pathToFileURL(join(o.packageRoot, 'dist', 'core', 'sdk', 'index.js')).href);
  let def: unknown;
  try {
    def = ((await import(pathToFileURL(m.main).href)) as { default?: unknown }).default;
  } catch (err) {
    const cjs = /exports is not defined|require is not defined|module is not defined/.test(describeError(err));
    bad(`importing ${mainRel} failed: ${describeError(err)}${cjs ? ' — the output is CommonJS; a plugin needs "type": "module" and ES module output ("module": "NodeNext")' : ''}`);
    return findings;
  }
  if (typeof def !== 'object' || def === null || typeof (def as PluginDefinition).setup !== 'function') {
    bad(`the default export of ${mainRel} is not definePlugin({ setup, … }): export default definePlugin({ setup(ctx) { … } }) from 'xlive/sdk'`);
    return findings;
  }
  ok(`the entry ${mainRel} is an ES module whose default export is definePlugin({ setup, … })`);

  const declared = m.commands ?? [];
  const defined = ((def as PluginDefinition).commands ?? []).map((c) => c.name);
  for (const name of declared) {
    if (o.coreCommands.includes(name)) bad(`command "${name}" is a core xlive command; the console refuses it (rename it)`);
    else if (!defined.includes(name)) bad(`command "${name}" is in xlive.commands but not in definePlugin({ commands })`);
  }
  for (const name of defined) if (!declared.includes(name)) bad(`command "${name}" is in definePlugin({ commands }) but not in xlive.commands: the console will not find it`);
  if (declared.length > 0 && declared.every((n) => defined.includes(n) && !o.coreCommands.includes(n))) ok(`console commands: ${declared.join(', ')}`);
  return findings;
}

function message(err: unknown): string {
  return isXliveError(err) ? `${err.code}: ${err.message}` : describeError(err);
}

/**
 * The files `npm pack` would put in the package: with "files" in package.json, those (plus package.json
 * and README); node_modules only for bundled dependencies; never .git. Symbolic links are left out.
 */
function shippedFiles(dir: string, pkg: Record<string, unknown>): PackageFile[] {
  const listed = Array.isArray(pkg['files']) ? (pkg['files'] as unknown[]).filter((f): f is string => typeof f === 'string').map((f) => f.replace(/^\.?\/+/, '').replace(/\/+$/, '')) : undefined;
  const bundled = bundleDeps(pkg);
  const out: PackageFile[] = [];
  const walk = (abs: string, rel: string) => {
    for (const name of readdirSync(abs).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      if (rel === '' && (name === '.git' || name === 'node_modules')) continue;
      const path = join(abs, name);
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path, relPath);
      else if (st.isFile() && out.length < 200_000) out.push({ path: relPath, data: readFileSync(path), mode: st.mode & 0o777 });
    }
  };
  if (listed) {
    for (const f of ['package.json', ...listed, ...readdirSync(dir).filter((n) => /^readme/i.test(n))]) {
      const abs = join(dir, f);
      if (!existsSync(abs) || out.some((x) => x.path === f)) continue;
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, f);
      else if (st.isFile()) out.push({ path: f, data: readFileSync(abs), mode: st.mode & 0o777 });
    }
  } else walk(dir, '');
  for (const b of bundled) if (existsSync(join(dir, 'node_modules', b))) walk(join(dir, 'node_modules', b), `node_modules/${b}`);
  return out;
}

function bundleDeps(pkg: Record<string, unknown>): string[] {
  const b = pkg['bundleDependencies'] ?? pkg['bundledDependencies'];
  if (Array.isArray(b)) return b.filter((x): x is string => typeof x === 'string');
  if (b === true && typeof pkg['dependencies'] === 'object' && pkg['dependencies']) return Object.keys(pkg['dependencies']);
  return [];
}

/** Why the plugin carries its own SDK, or undefined. */
function bundledSdk(dir: string, pkg: Record<string, unknown>, files: readonly PackageFile[]): string | undefined {
  const why =
    'a second copy of the SDK breaks the box\'s error handling (its NotFoundError is not the box\'s, so a 404 becomes a 500): ' +
    'the box provides xlive/sdk and xlive/media to every plugin';
  const deps = (pkg['dependencies'] ?? {}) as Record<string, unknown>;
  const shipped = files.find((f) => f.path.startsWith('node_modules/xlive/'));
  if (shipped) return `the plugin bundles its own copy of the xlive SDK (${shipped.path}); ${why}. Remove node_modules/xlive from what it ships`;
  if (existsSync(join(dir, 'node_modules', 'xlive')) && (!Object.hasOwn(pkg, 'files') || Object.hasOwn(deps, 'xlive'))) {
    return `the plugin folder holds node_modules/xlive, its own copy of the xlive SDK; ${why}. Keep "xlive" a devDependency (or peerDependency), not a dependency, and ship only the built files ("files" in package.json)`;
  }
  if (Object.hasOwn(deps, 'xlive')) return `"xlive" is in "dependencies", so it would be installed beside the plugin; ${why}. Make it a devDependency or peerDependency`;
  const withSdk = files.find((f) => f.path.endsWith('.js') && f.data.includes(SDK_MARKER));
  if (withSdk) return `${withSdk.path} contains the xlive SDK's own code (a bundler inlined it); ${why}. Mark xlive/sdk and xlive/media as external in the bundler`;
  return undefined;
}
