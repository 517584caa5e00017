import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ValidationError } from '../../../core/errors/xlive-error.js';
import { SCAFFOLD_DEV_DEPENDENCIES, SDK_PACKAGE } from './sdk-package.js';
import { scaffoldFiles } from './templates.js';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface NewPluginOptions {
  id: string;
  /** The project folder to create (must not exist, or be empty). */
  dir: string;
  apiVersion: string;
  /** This xlive's package folder (it exports xlive/sdk). */
  packageRoot: string;
  /** A packed SDK (.tgz) or an SDK package folder to use instead of packageRoot. */
  sdk?: string;
  /** Link node_modules from this machine (SDK, typescript, @types/node) so it builds offline; default true. */
  link: boolean;
}

export interface NewPluginResult {
  dir: string;
  files: string[];
  sdkSpec: string;
  /** What was linked into node_modules, and what was not found (then `npm install` fetches it). */
  linked: string[];
  missing: string[];
}

/**
 * `xlive plugins new <id>`: write a TypeScript plugin project and, unless told not to, make its
 * node_modules from this machine — the SDK (the tarball unpacked, or a link to this xlive's folder) and
 * typescript/@types/node when this xlive has them — so `npm run build && npm test` work offline.
 */
export function newPlugin(o: NewPluginOptions): NewPluginResult {
  if (!ID.test(o.id) || o.id.length > 64) throw new ValidationError(`plugin id "${o.id}" must be lowercase letters and digits in dash-separated words (at most 64), e.g. "my-plugin"`);
  const dir = resolve(o.dir);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) throw new ValidationError(`${dir} exists and is not an empty folder; choose another --dir`);
  const sdk = o.sdk ? resolve(o.sdk) : o.packageRoot;
  if (!existsSync(sdk)) throw new ValidationError(`the SDK ${sdk} does not exist (--sdk or XLIVE_SDK_TARBALL: the .tgz from npm pack)`);
  const sdkSpec = `file:${sdk}`;
  const files = scaffoldFiles({ id: o.id, apiVersion: o.apiVersion, sdkSpec });
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { flag: 'wx' });
  }
  const linked: string[] = [];
  const missing: string[] = [];
  if (o.link) {
    const nm = join(dir, 'node_modules');
    mkdirSync(nm, { recursive: true });
    const sdkDest = join(nm, SDK_PACKAGE.name);
    if (statSync(sdk).isDirectory()) symlinkSync(sdk, sdkDest, 'dir');
    else {
      mkdirSync(sdkDest);
      const r = spawnSync('tar', ['-xzf', sdk, '-C', sdkDest, '--strip-components=1'], { encoding: 'utf8' });
      if (r.status !== 0) throw new ValidationError(`cannot unpack the SDK ${sdk}: ${(r.stderr || r.error?.message || '').trim()}`);
    }
    linked.push(`${SDK_PACKAGE.name} → ${sdk}`);
    for (const name of Object.keys(SCAFFOLD_DEV_DEPENDENCIES)) {
      const from = join(o.packageRoot, 'node_modules', name);
      if (!existsSync(join(from, 'package.json'))) {
        missing.push(name);
        continue;
      }
      mkdirSync(dirname(join(nm, name)), { recursive: true });
      symlinkSync(from, join(nm, name), 'dir');
      linked.push(`${name} → ${from}`);
    }
    if (!missing.includes('typescript')) {
      mkdirSync(join(nm, '.bin'), { recursive: true });
      symlinkSync('../typescript/bin/tsc', join(nm, '.bin', 'tsc'));
    }
  }
  return { dir, files: Object.keys(files), sdkSpec, linked, missing };
}
