/**
 * The mistakes plugin authors made, told in words at load time instead of as a bare import error:
 * - CommonJS output (no `"type": "module"`, or tsc's `"module": "CommonJS"`): the box loads plugins as
 *   ES modules, so the default export arrives wrapped or `require` fails;
 * - a copy of `xlive` inside the plugin (`node_modules/xlive`, e.g. from `dependencies` or
 *   `bundleDependencies`): its `import … from 'xlive/sdk'` gets that copy, whose error classes are not
 *   the box's, so `instanceof` fails and its 404s turn into 500s.
 * Pure functions over the plugin's folder; plugin-host.ts and the installer call them.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Markers tsc (and Babel, esbuild) leave in CommonJS output. */
const CJS_MARKERS = [/Object\.defineProperty\(exports,\s*["']__esModule["']/, /^\s*exports\.\w+\s*=/m, /\bmodule\.exports\s*=/, /^\s*(?:const|var|let)\s+\w+\s*=\s*require\(["']/m];

/** How Node will load `main`, from the package's `type` and the file's extension and content. */
export function moduleFormatProblem(dir: string, main: string): string | undefined {
  const ext = extname(main);
  if (ext === '.mjs') return undefined;
  let type: unknown;
  try {
    type = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>)['type'];
  } catch {
    return undefined;
  }
  const fix = 'set "type": "module" in its package.json and compile with "module": "NodeNext" (or "ES2022") in tsconfig.json';
  if (ext === '.cjs') return `its main file ${main} is CommonJS (.cjs); xlive loads plugins as ES modules: ${fix}, and name the file .js`;
  let text = '';
  try {
    text = readFileSync(main, 'utf8').slice(0, 64 * 1024);
  } catch {
    return undefined;
  }
  const cjs = CJS_MARKERS.some((re) => re.test(text));
  if (type !== 'module') return `its package.json has no "type": "module", so Node loads ${main} as CommonJS${cjs ? ' (and it is CommonJS output)' : ''}; xlive loads plugins as ES modules: ${fix}`;
  if (cjs) return `${main} is CommonJS output (exports/require) although package.json says "type": "module"; compile with "module": "NodeNext" (or "ES2022") in tsconfig.json`;
  return undefined;
}

/**
 * The default export tsc's CommonJS output gives an ES import: `{ default: definePlugin(…) }` (with
 * `__esModule`), or the definition's fields on `module.exports`.
 */
export function looksLikeCommonJsDefault(def: unknown): boolean {
  if (typeof def !== 'object' || def === null) return false;
  const d = def as Record<string, unknown>;
  const inner = d['default'];
  return d['__esModule'] === true || (typeof inner === 'object' && inner !== null && typeof (inner as Record<string, unknown>)['setup'] === 'function');
}

/** What is wrong with a plugin that ships `node_modules/xlive`, and the fix. */
export const BUNDLED_SDK =
  "it ships its own copy of the SDK (node_modules/xlive): its errors would not be the box's, so its 404s and 403s " +
  'would answer 500. Depend on xlive in "devDependencies" only (not "dependencies" or "bundleDependencies") and ' +
  'leave node_modules/xlive out of the plugin; the box gives every plugin its own SDK';

/**
 * A copy of the SDK shipped inside the plugin: `<dir>/node_modules/xlive` (a folder, or a link to
 * anything but the box's own package — a link to it, as `npm link` makes, is the same module).
 * `boxRoot` is the box's package folder (default: the one this file is built into).
 */
export function bundledSdkProblem(dir: string, boxRoot: string = fileURLToPath(new URL('../../..', import.meta.url))): string | undefined {
  const copy = join(dir, 'node_modules', 'xlive');
  let real: string;
  try {
    if (!statSync(copy).isDirectory() || !existsSync(join(copy, 'package.json'))) return undefined;
    real = realpathSync(copy);
  } catch {
    return undefined;
  }
  try {
    if (real === realpathSync(boxRoot)) return undefined;
  } catch {
    // no box root to compare with: a copy
  }
  return BUNDLED_SDK;
}

/**
 * An error whose prototype chain has a class named XliveError that is not the box's: made by a second
 * copy of the SDK. Returns the hint for the log, or undefined.
 */
export function foreignSdkErrorHint(err: unknown, boxRoot: abstract new (...args: never[]) => unknown): string | undefined {
  if (err instanceof boxRoot || typeof err !== 'object' || err === null) return undefined;
  let proto: unknown = Object.getPrototypeOf(err);
  for (let depth = 0; proto && depth < 16; depth++, proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: unknown } }).constructor?.name === boxRoot.name) {
      const code = (err as { code?: unknown }).code;
      return `${(err as Error).name}${typeof code === 'string' ? ` (${code})` : ''} is an xlive error from a second copy of the SDK, not the box's: it answers 500. The plugin bundles its own xlive (node_modules/xlive inside it?): depend on xlive in devDependencies only`;
    }
  }
  return undefined;
}
