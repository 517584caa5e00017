/**
 * The key paths a JSON Schema declares (through `properties`, recursively), indexed by the
 * UPPER_SNAKE name an environment variable uses for them. Only `properties` are followed
 * (`$ref`, `allOf`, `patternProperties` … are not), which covers the flat schemas config uses.
 */
import { MAX_CONFIG_DEPTH, isPlainObject, toUpperSnake } from './key-path.js';

export interface SchemaNode {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, SchemaNode>>;
  enum?: readonly unknown[];
}

export interface SchemaKey {
  /** Segments: `['streams', 'gopCacheBytes']`. */
  path: readonly string[];
  node: SchemaNode;
}

/**
 * Map from UPPER_SNAKE name (`STREAMS_GOP_CACHE_BYTES`) to key path, for every declared key,
 * objects included. When two paths share a name the longest path (most segments) wins.
 * Top-level keys in `exclude` (and everything below them) are left out.
 */
export function schemaKeysBySnakeName(schema: object, exclude: readonly string[] = []): Map<string, SchemaKey> {
  const out = new Map<string, SchemaKey>();
  const walk = (node: SchemaNode, path: string[], snake: string): void => {
    const props = node.properties;
    if (!isPlainObject(props) || path.length >= MAX_CONFIG_DEPTH) return;
    for (const [key, child] of Object.entries(props)) {
      if (path.length === 0 && exclude.includes(key)) continue;
      if (!isPlainObject(child)) continue;
      const childPath = [...path, key];
      const childSnake = snake === '' ? toUpperSnake(key) : `${snake}_${toUpperSnake(key)}`;
      const prev = out.get(childSnake);
      if (!prev || prev.path.length < childPath.length) out.set(childSnake, { path: childPath, node: child });
      walk(child as SchemaNode, childPath, childSnake);
    }
  };
  walk(schema as SchemaNode, [], '');
  return out;
}
