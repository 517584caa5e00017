import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ConflictError, NotFoundError, PluginError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { PluginManifest } from '../sdk/plugin.js';
import { apiCompatible, manifestFromPackage, PERMISSIONS } from './manifest.js';
import { checkPackageFiles, readPluginArchive, type PackageFile, type PackageLimits } from './plugin-archive.js';
import { BUNDLED_SDK } from './plugin-load-checks.js';

/** Who installs or uninstalls, for the event log and audit. */
export interface InstallActor {
  actor: string;
  ip: string;
}

export interface PluginInstallerDeps {
  /** The external plugins directory (`pluginsDir`): each plugin in `<pluginsDir>/<id>`. */
  pluginsDir: string;
  hostApiVersion: string;
  limits: PackageLimits;
  /** Node's `process.arch` of the box (native modules must match it). */
  arch?: string;
  /** The plugins found now, built-in and external (manifests only; see discoverPlugins). */
  discover(): { manifests: PluginManifest[]; failures: ReadonlyArray<{ dir: string; id: string }> };
  /** Forget saved enable state and consent (uninstall: a reinstall asks for consent again). */
  forget(id: string): void;
  /** Remove the plugin's data: `<dataDir>/plugin-data/<id>` and its key-value rows (uninstall `purge`). */
  purgeData(id: string): void;
  /** `plugin.installed` / `plugin.uninstalled` into the event log (audited from there). */
  record(type: 'plugin.installed' | 'plugin.uninstalled', message: string, data: Record<string, unknown>): void;
  /** The running box: list a newly installed plugin (disabled). */
  adopt?(m: PluginManifest): void;
  /** The running box: stop the plugin and forget it, before its code is removed. */
  release?(id: string): Promise<void>;
  log: Logger;
}

export interface InstallOptions {
  /** Replace an installed plugin of the same id; its data and (same permissions) consent are kept. */
  update?: boolean;
}

export interface InstallResult {
  manifest: PluginManifest;
  /** The version replaced by an update. */
  previousVersion: string | null;
}

const STAGING = '.staging';

/**
 * Installs and uninstalls third-party plugins: the one implementation behind `POST /api/v1/plugins`,
 * `DELETE /api/v1/plugins/:id` and `xlive plugins install|uninstall`. Every check runs on the package
 * in memory (plugin-archive.ts, the manifest, apiVersion, the id, dependencies, permissions) before a
 * byte is written; then the files go to a staging folder in the plugins directory (same filesystem)
 * and are renamed into `<pluginsDir>/<id>` in one step. A plugin is installed disabled: it runs once
 * an admin enabled it with consent to its permissions (PluginEnablement).
 */
export class PluginInstaller {
  constructor(private readonly deps: PluginInstallerDeps) {}

  /** Install from a .tgz in memory. */
  installArchive(archive: Buffer, who: InstallActor, opts: InstallOptions = {}): InstallResult {
    return this.install(readPluginArchive(archive, this.deps.limits, this.arch), who, opts, 'upload');
  }

  /** Install from a built plugin folder (the console: `xlive plugins install <dir>`). */
  installDirectory(dir: string, who: InstallActor, opts: InstallOptions = {}): InstallResult {
    const files = readPluginFolder(resolve(dir), this.deps.limits);
    checkPackageFiles(files, this.deps.limits, this.arch);
    return this.install(files, who, opts, resolve(dir));
  }

  /**
   * Uninstall external plugin `id`: stop it if it runs, remove its code (renamed aside, then deleted),
   * forget its enable state and consent; `purge` also removes its data. Built-in plugins cannot be
   * uninstalled (PLUGIN_BUILTIN, 409), nor one another installed plugin depends on (409).
   */
  async uninstall(id: string, who: InstallActor, opts: { purge?: boolean } = {}): Promise<{ id: string; version: string | null; purged: boolean }> {
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id) || id.length > 64) throw new NotFoundError(`no installed plugin with id ${JSON.stringify(id.slice(0, 80))}`);
    const { manifests, failures } = this.deps.discover();
    const m = manifests.find((x) => x.id === id);
    if (m?.source === 'builtin') {
      throw new PluginError('PLUGIN_BUILTIN', `plugin ${id} is a first-party plugin shipped with xlive and cannot be uninstalled; disable it instead (PATCH /api/v1/plugins/${id} {"enabled":false})`, { details: { plugin: id } });
    }
    // A folder whose manifest is invalid can be removed too (by folder name).
    const broken = m ? undefined : failures.find((f) => f.id === id && this.isOurs(f.dir));
    if (!m && !broken) throw new NotFoundError(`no installed plugin with id "${id}"`);
    const dir = m?.dir ?? broken!.dir;
    if (!this.isOurs(dir)) throw new ConflictError(`plugin ${id} is not in the plugins directory ${this.deps.pluginsDir}; remove it by hand`);
    const dependants = manifests.filter((x) => x.id !== id && x.dependsOn.includes(id)).map((x) => x.id);
    if (dependants.length > 0) {
      throw new ConflictError(`plugin ${id} cannot be uninstalled: ${dependants.join(', ')} depend${dependants.length === 1 ? 's' : ''} on it; uninstall or update ${dependants.length === 1 ? 'it' : 'them'} first`, {
        details: { plugin: id, dependants },
      });
    }
    await this.deps.release?.(id);
    const aside = this.stagingPath(`${id}-removed`);
    renameSync(dir, aside); // gone from the plugins directory in one step
    rmSync(aside, { recursive: true, force: true });
    this.removeEmptyStaging();
    this.deps.forget(id);
    if (opts.purge) this.deps.purgeData(id);
    const version = m?.version ?? null;
    this.deps.log.info(`uninstalled ${id}${version ? ` ${version}` : ''}${opts.purge ? ' and its data' : ''} (${who.actor})`);
    this.deps.record('plugin.uninstalled', `plugin ${id}${version ? ` ${version}` : ''} uninstalled by ${who.actor}${opts.purge ? ', its data removed' : ', its data kept'}`, {
      plugin: id,
      version,
      purged: opts.purge === true,
      ...who,
    });
    return { id, version, purged: opts.purge === true };
  }

  /** Remove staging folders an interrupted install left behind (at start). */
  cleanStaging(): void {
    rmSync(join(this.deps.pluginsDir, STAGING), { recursive: true, force: true });
  }

  private get arch(): string {
    return this.deps.arch ?? process.arch;
  }

  private install(files: PackageFile[], who: InstallActor, opts: InstallOptions, from: string): InstallResult {
    const pkgFile = files.find((f) => f.path === 'package.json')!;
    let parsed: unknown;
    try {
      parsed = JSON.parse(pkgFile.data.toString('utf8'));
    } catch (err) {
      throw new PluginError('PLUGIN_MANIFEST_INVALID', `package.json of the plugin package is not JSON: ${(err as Error).message}`, { cause: err });
    }
    refuseUnknownPermissions(parsed);
    const probe = manifestFromPackage(parsed, join(this.deps.pluginsDir, STAGING), 'external', 'package.json');
    const dir = join(this.deps.pluginsDir, probe.id);
    const m = manifestFromPackage(parsed, dir, 'external', 'package.json');
    const mainRel = relative(dir, m.main).split(sep).join('/');
    if (!files.some((f) => f.path === mainRel)) {
      throw new PluginError('PLUGIN_MANIFEST_INVALID', `the plugin package has no ${mainRel} ("main" of its package.json); pack the built plugin (compiled JavaScript)`, { details: { main: mainRel } });
    }
    if (files.some((f) => f.path === 'node_modules/xlive/package.json')) {
      throw new PluginError('PLUGIN_SDK_BUNDLED', `plugin ${m.id}: ${BUNDLED_SDK}`, { details: { entry: 'node_modules/xlive' } });
    }
    if (!apiCompatible(m, this.deps.hostApiVersion)) {
      throw new PluginError('PLUGIN_API_MISMATCH', `plugin ${m.id} ${m.version} needs plugin API ${m.apiVersion}; this box provides ${this.deps.hostApiVersion}`, {
        details: { plugin: m.id, apiVersion: m.apiVersion, hostApiVersion: this.deps.hostApiVersion },
      });
    }
    const { manifests, failures } = this.deps.discover();
    const existing = manifests.find((x) => x.id === m.id);
    if (existing?.source === 'builtin') {
      throw new PluginError('PLUGIN_BUILTIN', `plugin id "${m.id}" is taken by a first-party plugin shipped with xlive; choose another id`, { details: { plugin: m.id } });
    }
    if (existing && !opts.update) {
      throw new PluginError('PLUGIN_ALREADY_INSTALLED', `plugin ${m.id} ${existing.version} is already installed; to replace it with ${m.version} and keep its data, update it (POST /api/v1/plugins?update=true, or xlive plugins install --update)`, {
        details: { plugin: m.id, installed: existing.version, uploaded: m.version },
      });
    }
    if (!existing && opts.update) throw new NotFoundError(`plugin ${m.id} is not installed; install it without update`);
    if (existing && resolve(existing.dir) !== resolve(dir)) {
      throw new ConflictError(`plugin ${m.id} is installed in ${existing.dir}, not ${dir}; uninstall it first`, { details: { plugin: m.id } });
    }
    if (!existing && existsSync(dir)) {
      const other = failures.find((f) => resolve(f.dir) === resolve(dir));
      throw new ConflictError(`${dir} already exists${other ? ' (a plugin folder with an invalid manifest)' : ''}; remove it first`, { details: { plugin: m.id } });
    }
    const known = new Set(manifests.map((x) => x.id));
    const missing = m.dependsOn.filter((d) => !known.has(d));
    if (missing.length > 0) {
      throw new PluginError('PLUGIN_DEPENDENCY_MISSING', `plugin ${m.id} depends on ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed; install ${missing.length === 1 ? 'it' : 'them'} first`, {
        details: { plugin: m.id, missing },
      });
    }

    // Every check passed: write to a staging folder on the same filesystem, then rename into place.
    const staging = this.stagingPath(m.id);
    try {
      writeFiles(staging, files);
      if (existing) {
        const aside = this.stagingPath(`${m.id}-previous`);
        renameSync(dir, aside);
        try {
          renameSync(staging, dir);
        } catch (err) {
          renameSync(aside, dir);
          throw err;
        }
        rmSync(aside, { recursive: true, force: true });
      } else {
        renameSync(staging, dir); // fails (ENOTEMPTY/EEXIST) if another install took the id meanwhile
      }
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    } finally {
      this.removeEmptyStaging();
    }
    this.deps.adopt?.(m);
    const what = existing ? `updated from ${existing.version} to ${m.version}` : `${m.version} installed`;
    this.deps.log.info(`plugin ${m.id} ${what} from ${from} (${who.actor}); disabled until enabled with consent to [${m.permissions.join(', ')}]`);
    this.deps.record('plugin.installed', `plugin ${m.id} ${what} by ${who.actor}; it asks for [${m.permissions.join(', ')}]`, {
      plugin: m.id,
      version: m.version,
      previousVersion: existing?.version ?? null,
      permissions: [...m.permissions],
      ...who,
    });
    return { manifest: m, previousVersion: existing?.version ?? null };
  }

  private isOurs(dir: string): boolean {
    const rel = relative(resolve(this.deps.pluginsDir), resolve(dir));
    return rel !== '' && !rel.startsWith('..') && !rel.includes(sep);
  }

  private stagingPath(name: string): string {
    const root = join(this.deps.pluginsDir, STAGING);
    mkdirSync(root, { recursive: true, mode: 0o755 });
    return join(root, `${name}-${randomBytes(6).toString('hex')}`);
  }

  private removeEmptyStaging(): void {
    try {
      rmdirSync(join(this.deps.pluginsDir, STAGING));
    } catch {
      // not empty (another install under way) or already gone
    }
  }
}

/** The manifest schema refuses an unknown permission too; this says which and lists the known ones. */
export function refuseUnknownPermissions(pkg: unknown): void {
  const perms = (pkg as { xlive?: { permissions?: unknown } } | null)?.xlive?.permissions;
  if (!Array.isArray(perms)) return;
  const unknown = perms.filter((p) => typeof p !== 'string' || !(PERMISSIONS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    throw new PluginError('PLUGIN_MANIFEST_INVALID', `package.json: xlive.permissions names unknown permission${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => JSON.stringify(p)).join(', ')}; known: ${PERMISSIONS.join(', ')}`, {
      details: { unknown },
    });
  }
}

/** Write `files` under a new folder `root` (0755 folders; files 0644, or 0755 when packed executable). */
function writeFiles(root: string, files: readonly PackageFile[]): void {
  mkdirSync(root, { mode: 0o755 });
  for (const f of files) {
    const path = join(root, ...f.path.split('/'));
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o755 });
    writeFileSync(path, f.data, { flag: 'wx', mode: f.mode & 0o111 ? 0o755 : 0o644 });
  }
}

/**
 * The files of a plugin folder, for installing from a folder: regular files only (a symbolic link, a
 * device or a socket is refused as in an archive), `.git` left out, at most `maxEntries`.
 */
function readPluginFolder(root: string, limits: Pick<PackageLimits, 'maxEntries' | 'maxUnpackedBytes'>): PackageFile[] {
  const { maxEntries, maxUnpackedBytes } = limits;
  let total = 0;
  if (!existsSync(join(root, 'package.json'))) {
    throw new PluginError('PLUGIN_PACKAGE_INVALID', `${root} has no package.json; give the built plugin folder or its .tgz`);
  }
  const out: PackageFile[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === '.git' && rel === '') continue;
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path, relPath);
      else if (st.isFile()) {
        if (out.length >= maxEntries) throw new PluginError('PLUGIN_PACKAGE_INVALID', `${root} holds more than ${maxEntries} files (pluginHost.maxPackageEntries)`);
        total += st.size;
        if (total > maxUnpackedBytes) throw new PluginError('PLUGIN_PACKAGE_TOO_LARGE', `the files in ${root} add up to more than ${maxUnpackedBytes} bytes (pluginHost.maxPackageUnpackedBytes)`);
        out.push({ path: relPath, data: readFileSync(path), mode: st.mode & 0o777 });
      } else {
        const what = st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
        throw new PluginError('PLUGIN_PACKAGE_INVALID', `${relPath} in ${root} is ${what}; a plugin holds regular files only (a link to the xlive SDK is made by the box itself)`, {
          details: { entry: relPath },
        });
      }
    }
  };
  walk(root, '');
  return out;
}
