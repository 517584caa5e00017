/**
 * The file layers of the configuration: `<configDir>/default.json`, `<configDir>/<XLIVE_ENV>.json`
 * (only when XLIVE_ENV is set) and `<configDir>/local.json`, lowest priority first. configDir is
 * XLIVE_CONFIG_DIR (`/etc/xlive` on the box) or `./config`, relative to the cwd. Missing files are
 * skipped; malformed JSON is a ConfigError naming the file, line and column.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../errors/xlive-error.js';
import type { Env } from './env-layer.js';
import { jsonErrorOffset, lineColumn } from './json-error-offset.js';
import { type ConfigTree, isPlainObject } from './key-path.js';

/** Returns a file's text, or undefined when it does not exist. */
export type ReadFile = (path: string) => string | undefined;

export interface FileLayer {
  /** `default`, the XLIVE_ENV value (`production`), or `local`. */
  name: string;
  /** Absolute path of the file. */
  source: string;
  data: ConfigTree;
}

/** Config files larger than this are refused (they are hand-written and small). */
export const MAX_CONFIG_FILE_CHARS = 1024 * 1024;

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function configDirOf(cwd: string, env: Env): string {
  const dir = env['XLIVE_CONFIG_DIR'];
  return dir ? resolve(cwd, dir) : join(cwd, 'config');
}

export function readFileLayers(cwd: string, env: Env, readFile: ReadFile): { layers: FileLayer[]; warnings: string[] } {
  const dir = configDirOf(cwd, env);
  const warnings: string[] = [];
  const names = ['default'];
  const envName = env['XLIVE_ENV'];
  if (envName !== undefined && envName !== '') {
    if (!ENV_NAME.test(envName)) {
      throw new ConfigError(`config: XLIVE_ENV = ${JSON.stringify(envName)} must be a plain name like "production"`, {
        details: { key: 'XLIVE_ENV', value: envName, layer: 'env XLIVE_ENV' },
      });
    }
    if (envName === 'default' || envName === 'local') warnings.push(`XLIVE_ENV=${envName} names a file read anyway (ignored)`);
    else names.push(envName);
  }
  names.push('local');
  const layers: FileLayer[] = [];
  for (const name of names) {
    const source = join(dir, `${name}.json`);
    const data = readConfigFile(source, readFile);
    if (data) layers.push({ name, source, data });
  }
  return { layers, warnings };
}

/** Read and parse one config file; undefined when missing. */
export function readConfigFile(file: string, readFile: ReadFile): ConfigTree | undefined {
  let text: string | undefined;
  try {
    text = readFile(file);
  } catch (err) {
    throw new ConfigError(`config: cannot read ${file}: ${(err as Error).message}`, { cause: err, details: { file } });
  }
  if (text === undefined) return undefined;
  if (text.length > MAX_CONFIG_FILE_CHARS) {
    throw new ConfigError(`config: ${file} is larger than ${MAX_CONFIG_FILE_CHARS} characters`, { details: { file } });
  }
  return parseConfigJson(text, file);
}

/** Parse a config file's text: a JSON object (a leading BOM is allowed). */
export function parseConfigJson(text: string, file: string): ConfigTree {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    const offset = jsonErrorOffset(body);
    const at = offset < 0 ? { line: 1, column: 1 } : lineColumn(body, offset);
    const reason = shortReason((err as Error).message);
    throw new ConfigError(`config: malformed JSON in ${file} at line ${at.line}, column ${at.column}: ${reason}`, {
      cause: err,
      details: { file, line: at.line, column: at.column },
    });
  }
  if (!isPlainObject(parsed)) {
    throw new ConfigError(`config: ${file} must contain a JSON object`, { details: { file } });
  }
  return parsed;
}

/** V8's message without its position and its echo of the input. */
function shortReason(message: string): string {
  return message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .trim();
}

/** The real file system: the text of `path`, or undefined when it does not exist. */
export function defaultReadFile(path: string): string | undefined {
  if (!isAbsolute(path)) throw new Error(`config path must be absolute: ${path}`);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
