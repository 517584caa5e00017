/**
 * Whether a configuration change is in effect now (`live`) or waits for a restart, for core keys
 * (against the values the box started with) and plugin sections (against what the plugin said it
 * could not take live).
 */
export type Applied = 'live' | 'restart';

/** `a` is `b`, or one is below the other. */
export function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
}

/**
 * A core key is in effect (`live`) when every leaf under it that differs from the value the box
 * started with was applied live; otherwise it waits for a restart.
 */
export function coreApplied(key: string, sinceStart: readonly string[], live: ReadonlySet<string>): Applied {
  return sinceStart.filter((c) => related(c, key)).every((c) => live.has(c)) ? 'live' : 'restart';
}

/** A `plugins.<id>…` key: restart when the plugin takes nothing live, or named a key it touches. */
export function pluginApplied(key: string, restartKeys: Map<string, ReadonlySet<string> | 'all'>): Applied {
  const [, id, ...rest] = key.split('.');
  const r = restartKeys.get(id!);
  if (r === undefined || r === 'all') return 'restart';
  const rel = rest.join('.');
  for (const k of r) if (rel === '' || related(k, rel)) return 'restart';
  return 'live';
}

