/**
 * Key paths in configuration trees: `http.port`, `plugins.http-flv.maxViewers`. Plain JSON objects
 * only; keys that could reach an object's prototype are refused wherever trees are built.
 */

import { ConfigError } from '../errors/xlive-error.js';

export type ConfigTree = Record<string, unknown>;

/** Deepest nesting accepted in any layer (files, settings, env JSON). */
export const MAX_CONFIG_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function isPlainObject(v: unknown): v is ConfigTree {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

export function joinPath(base: string, key: string): string {
  return base === '' ? key : `${base}.${key}`;
}

/** The value at `path` (segments), or undefined. */
export function getPath(tree: unknown, path: readonly string[]): unknown {
  let cur: unknown = tree;
  for (const seg of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}

/** Set `value` at `path`, creating (or replacing non-object values with) objects on the way. */
export function setPath(tree: ConfigTree, path: readonly string[], value: unknown): void {
  const bad = path.find(isForbiddenKey);
  if (bad !== undefined) throw new ConfigError(`config: ${path.join('.')} contains the forbidden key ${bad}`);
  let cur = tree;
  for (let k = 0; k < path.length - 1; k++) {
    const seg = path[k]!;
    const next = cur[seg];
    if (isPlainObject(next)) cur = next;
    else {
      const created: ConfigTree = {};
      cur[seg] = created;
      cur = created;
    }
  }
  cur[path[path.length - 1]!] = value;
}

/** Remove the key at `segs`, and parents it leaves empty (an empty object would still be a settings leaf). */
export function removePath(tree: ConfigTree, segs: readonly string[]): void {
  const parents: ConfigTree[] = [];
  let cur: unknown = tree;
  for (const s of segs.slice(0, -1)) {
    if (!isPlainObject(cur)) return;
    parents.push(cur);
    cur = cur[s];
  }
  if (!isPlainObject(cur)) return;
  delete cur[segs[segs.length - 1]!];
  for (let k = parents.length - 1; k >= 0 && Object.keys(cur as ConfigTree).length === 0; k--) {
    delete parents[k]![segs[k]!];
    cur = parents[k];
  }
}

/** The value at dotted `key`, or undefined. */
export function valueAt(tree: unknown, key: string): unknown {
  let cur = tree;
  for (const s of key.split('.')) cur = isPlainObject(cur) ? cur[s] : undefined;
  return cur;
}

/** Every leaf (non-object value, or empty object) under `tree`, in insertion order, with its dotted path. */
export function leaves(tree: ConfigTree, base = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  const walk = (node: ConfigTree, prefix: string, depth: number): void => {
    for (const [k, v] of Object.entries(node)) {
      const p = joinPath(prefix, k);
      if (isPlainObject(v) && Object.keys(v).length > 0 && depth < MAX_CONFIG_DEPTH) walk(v, p, depth + 1);
      else out.push([p, v]);
    }
  };
  walk(tree, base, 0);
  return out;
}

/** `gopCacheBytes` → `GOP_CACHE_BYTES`, `http-flv` → `HTTP_FLV`, `h264Profile` → `H264_PROFILE`. */
export function toUpperSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[-.\s]+/g, '_')
    .toUpperCase();
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export function deepClone<T>(value: T): T {
  return structuredClone(value);
}
