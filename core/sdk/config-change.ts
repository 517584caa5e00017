/**
 * For `PluginInstance.reconfigure`: which keys of a config section changed, so a plugin can apply
 * some live and name the rest as needing a restart.
 */

/** Dotted paths (`live.maxBytes`) of the leaves that differ between two sections; arrays compare whole. */
export function changedConfigKeys(previous: unknown, next: unknown, base = ''): string[] {
  if (isObject(previous) && isObject(next)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(previous), ...Object.keys(next)])) {
      out.push(...changedConfigKeys(previous[k], next[k], base === '' ? k : `${base}.${k}`));
    }
    return out;
  }
  return JSON.stringify(previous) === JSON.stringify(next) ? [] : [base];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
