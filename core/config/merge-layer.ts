/**
 * Deep-merging one configuration layer over the layers below it, recording where each leaf came
 * from. Objects merge key by key; anything else (arrays included) replaces the value below.
 */
import { ConfigError } from '../errors/xlive-error.js';
import { type ConfigTree, MAX_CONFIG_DEPTH, isForbiddenKey, isPlainObject, joinPath } from './key-path.js';
import type { Provenance } from './provenance.js';

/** One layer's contribution: a tree and the origin its values are credited to. */
export interface LayerPatch {
  data: ConfigTree;
  origin: string;
}

/** Merge `patch` into `target` (mutated), crediting every leaf it sets to `patch.origin`. */
export function mergeLayer(target: ConfigTree, patch: LayerPatch, prov: Provenance, base = ''): void {
  mergeInto(target, patch.data, patch.origin, prov, base, 0);
}

function mergeInto(
  target: ConfigTree,
  src: ConfigTree,
  origin: string,
  prov: Provenance,
  base: string,
  depth: number,
): void {
  for (const [key, value] of Object.entries(src)) {
    const path = joinPath(base, key);
    if (isForbiddenKey(key)) {
      throw new ConfigError(`config: ${path} (from ${origin}) is not an allowed key`, {
        details: { key: path, value: undefined, layer: origin },
      });
    }
    if (isPlainObject(value)) {
      if (depth >= MAX_CONFIG_DEPTH) {
        throw new ConfigError(`config: ${path} (from ${origin}) is nested deeper than ${MAX_CONFIG_DEPTH} levels`, {
          details: { key: path, value: undefined, layer: origin },
        });
      }
      let into = target[key];
      if (!isPlainObject(into)) {
        into = {};
        target[key] = into;
        // An empty object is a leaf of its own: credit it, so `origin()` and listings can name it.
        if (Object.keys(value).length === 0) prov.record(path, origin);
        else prov.forget(path);
      }
      mergeInto(into as ConfigTree, value, origin, prov, path, depth + 1);
    } else {
      target[key] = value;
      prov.record(path, origin);
    }
  }
}
