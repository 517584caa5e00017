/**
 * Which methods the app serves at a path, from the route table's patterns (Hono syntax: `:name`,
 * `:name{regex}`, `:name?`, `*`), so an unknown method on a known path answers 405 with `Allow`
 * instead of 404. Patterns are compiled once, on first use after the routes are mounted.
 */
export class RouteMatcher {
  private compiled: Array<{ method: string; re: RegExp }> | undefined;
  private compiledCount = -1;

  constructor(private readonly entries: () => ReadonlyArray<{ method: string; path: string }>) {}

  /** The methods with a route matching `path` (sorted; GET implies HEAD), empty when none. */
  allowed(path: string): string[] {
    const all = this.entries();
    if (!this.compiled || this.compiledCount !== all.length) {
      this.compiled = all.map((e) => ({ method: e.method.toUpperCase(), re: patternToRegExp(e.path) }));
      this.compiledCount = all.length;
    }
    const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const methods = new Set<string>();
    for (const r of this.compiled) {
      if (!r.re.test(p)) continue;
      methods.add(r.method);
      if (r.method === 'GET') methods.add('HEAD');
    }
    return [...methods].sort();
  }
}

/** A Hono route pattern as an anchored regular expression. */
export function patternToRegExp(pattern: string): RegExp {
  const trimmed = pattern.length > 1 ? pattern.replace(/\/+$/, '') : pattern;
  let out = '';
  const token = /:([A-Za-z0-9_]+)(\{((?:[^{}]|\{[^{}]*\})*)\})?(\?)?|\*/g;
  let last = 0;
  for (let m = token.exec(trimmed); m; m = token.exec(trimmed)) {
    out += escape(trimmed.slice(last, m.index));
    if (m[0] === '*') out += '.*';
    else {
      const seg = m[3] ? `(?:${m[3]})` : '[^/]+';
      if (m[4] && out.endsWith('/')) out = `${out.slice(0, -1)}(?:/${seg})?`;
      else out += seg;
    }
    last = m.index + m[0].length;
  }
  out += escape(trimmed.slice(last));
  return new RegExp(`^${out}/?$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
