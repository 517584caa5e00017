/**
 * JSON Schema validation of configuration trees with ajv (draft-07, `useDefaults`, `allErrors`),
 * turning ajv's errors into one `ConfigError` whose message names each key path, its value and
 * the layer it came from: `config: http.port = "80a" (from env XLIVE_HTTP_PORT) must be integer`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ConfigError } from '../errors/xlive-error.js';
import { formatValue, safeDetailValue } from './format-value.js';
import { type ConfigTree, getPath, joinPath } from './key-path.js';

/** Errors listed in one message; the rest are counted. */
const MAX_LISTED = 5;

export type { ValidateFunction };

/** A fresh ajv for one loaded configuration (no shared instance: schemas of one load never leak into another). */
export function createAjv(): Ajv {
  // strict off: plugin schemas may carry annotations ajv does not know; logger off: no console output.
  return new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: false, logger: false });
}

/** Compile a schema; an invalid schema is a ConfigError naming `what`. */
export function compileSchema(ajv: Ajv, schema: object, what: string): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (err) {
    throw new ConfigError(`config: ${what} has an invalid schema: ${(err as Error).message}`, { cause: err });
  }
}

export interface ConfigIssue {
  key: string;
  value: unknown;
  layer: string;
  message: string;
}

/**
 * Validate `data` (mutated: defaults are filled in). `base` prefixes reported key paths
 * (`plugins.rtmp`); `originOf` names the layer of a path relative to `data`.
 */
export function validateTree(
  validate: ValidateFunction,
  data: ConfigTree,
  base: string,
  originOf: (relPath: string) => string,
): void {
  if (validate(data)) return;
  const issues = dedupe((validate.errors ?? []).map((e) => toIssue(e, data, base, originOf)));
  const lines = issues.slice(0, MAX_LISTED).map(
    (i) => `config: ${i.key} = ${formatValue(i.key, i.value)} (from ${i.layer}) ${i.message}`,
  );
  if (issues.length > MAX_LISTED) lines.push(`and ${issues.length - MAX_LISTED} more`);
  const first = issues[0] ?? { key: base, value: undefined, layer: originOf(''), message: 'is invalid' };
  throw new ConfigError(lines.join('; ') || `config: ${base} is invalid`, {
    details: {
      key: first.key,
      value: safeDetailValue(first.key, first.value),
      layer: first.layer,
      errors: issues.map((i) => ({ ...i, value: safeDetailValue(i.key, i.value) })),
    },
  });
}

function toIssue(
  err: ErrorObject,
  data: ConfigTree,
  base: string,
  originOf: (relPath: string) => string,
): ConfigIssue {
  const segs = err.instancePath === '' ? [] : err.instancePath.slice(1).split('/').map(unescapePointer);
  let message = err.message ?? 'is invalid';
  if (err.keyword === 'additionalProperties') {
    const extra = String((err.params as { additionalProperty: string }).additionalProperty);
    segs.push(extra);
    const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const guess = closest(extra, known);
    message = `is not a known key${guess ? ` (did you mean ${guess}?)` : ''}`;
  } else if (err.keyword === 'required') {
    segs.push(String((err.params as { missingProperty: string }).missingProperty));
    message = 'is required';
  } else if (err.keyword === 'enum') {
    const allowed = (err.params as { allowedValues: unknown[] }).allowedValues;
    message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (err.keyword === 'propertyNames') {
    segs.push(String((err.params as { propertyName: string }).propertyName));
    message = 'is not a valid name (lower-case kebab-case)';
  }
  const rel = segs.join('.');
  return { key: joinPath(base, rel), value: getPath(data, segs), layer: originOf(rel), message };
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.key}\0${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~'); // RFC 6901 §4
}

/** The known key closest to a typo (case-insensitive equal, or edit distance ≤ 2), if any. */
function closest(typo: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = 3;
  for (const k of known) {
    const d = k.toLowerCase() === typo.toLowerCase() ? 0 : editDistance(typo, k, bestDist);
    if (d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `cap`) once it cannot be below `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap || a.length > 64 || b.length > 64) return cap;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return Math.min(prev[b.length]!, cap);
}
