/** Which event types a webhook wants: exact names, `prefix.*`, or `*`; an empty list means all. */
export type TypeFilter = (type: string) => boolean;

export function typeFilter(patterns: readonly string[]): TypeFilter {
  if (patterns.length === 0 || patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.endsWith('.*')));
  const prefixes = patterns.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));
  return (type) => exact.has(type) || prefixes.some((p) => type.startsWith(p));
}
