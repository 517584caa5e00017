/**
 * Turning an environment variable's text into the type its schema declares: integer, number,
 * boolean, null, string, or JSON for objects and arrays. Text that fits no declared type is
 * returned unchanged, so schema validation reports it with key, value and layer
 * (`config: http.port = "80a" (from env XLIVE_HTTP_PORT) must be integer`).
 */
import type { SchemaNode } from './schema-keys.js';

const NO_MATCH = Symbol('no-match');
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

export function coerceEnvValue(raw: string, node: SchemaNode): unknown {
  const declared = node.type === undefined ? [] : typeof node.type === 'string' ? [node.type] : [...node.type];
  const types = declared.length > 0 ? declared : node.properties ? ['object'] : [];
  if (types.length === 0) {
    // Untyped: an enum member as is, else JSON if it parses, else the text.
    if (node.enum?.includes(raw)) return raw;
    const json = tryJson(raw);
    return json === NO_MATCH ? raw : json;
  }
  // Strings accept anything, so try every other declared type first.
  const ordered = [...types.filter((t) => t !== 'string'), ...types.filter((t) => t === 'string')];
  for (const t of ordered) {
    const v = coerceAs(raw, t);
    if (v !== NO_MATCH) return v;
  }
  return raw;
}

function coerceAs(raw: string, type: string): unknown {
  const text = raw.trim();
  switch (type) {
    case 'string':
      return raw;
    case 'integer': {
      if (!INTEGER.test(text)) return NO_MATCH;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : NO_MATCH;
    }
    case 'number': {
      if (!NUMBER.test(text)) return NO_MATCH;
      const n = Number(text);
      return Number.isFinite(n) ? n : NO_MATCH;
    }
    case 'boolean': {
      const t = text.toLowerCase();
      return TRUE.has(t) ? true : FALSE.has(t) ? false : NO_MATCH;
    }
    case 'null':
      return text === 'null' || text === '' ? null : NO_MATCH;
    case 'object': {
      const v = tryJson(text);
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : NO_MATCH;
    }
    case 'array': {
      const v = tryJson(text);
      return Array.isArray(v) ? v : NO_MATCH;
    }
    default:
      return NO_MATCH;
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NO_MATCH;
  }
}
