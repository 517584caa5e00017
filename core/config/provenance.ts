/**
 * Which layer set each configuration value. Origins read like `defaults`, `settings`,
 * `local /etc/xlive/local.json` or `env XLIVE_HTTP_PORT`; they appear in error messages
 * (`(from env XLIVE_HTTP_PORT)`) and in `xlive config check` listings.
 */
export const DEFAULTS_ORIGIN = 'defaults';

interface Entry {
  origin: string;
  /** Increases with every record: later layers have higher priority. */
  seq: number;
}

export class Provenance {
  private readonly entries = new Map<string, Entry>();
  private seq = 0;

  /** `keyPath` (a leaf) was set by `origin`; anything recorded below it was replaced. */
  record(keyPath: string, origin: string): void {
    this.forget(keyPath);
    this.entries.set(keyPath, { origin, seq: ++this.seq });
  }

  /** `keyPath` and everything below it no longer come from any layer. */
  forget(keyPath: string): void {
    const prefix = `${keyPath}.`;
    for (const k of [...this.entries.keys()]) if (k === keyPath || k.startsWith(prefix)) this.entries.delete(k);
  }

  /**
   * The layer that set `keyPath`: its own record, else the record of a parent set as a whole
   * (JSON in one env variable), else the highest-priority layer that set anything below it,
   * else `defaults`.
   */
  origin(keyPath: string): string {
    const own = this.entries.get(keyPath);
    if (own) return own.origin;
    const segs = keyPath.split('.');
    for (let k = segs.length - 1; k > 0; k--) {
      const parent = this.entries.get(segs.slice(0, k).join('.'));
      if (parent) return parent.origin;
    }
    let best: Entry | undefined;
    const prefix = `${keyPath}.`;
    for (const [k, e] of this.entries) if (k.startsWith(prefix) && (!best || e.seq > best.seq)) best = e;
    return best?.origin ?? DEFAULTS_ORIGIN;
  }

  /** A copy holding only records under `keyPath`, re-rooted there (`plugins.rtmp.port` → `port`). */
  scoped(keyPath: string): Provenance {
    const out = new Provenance();
    const prefix = `${keyPath}.`;
    const below = [...this.entries].filter(([k]) => k.startsWith(prefix)).sort((a, b) => a[1].seq - b[1].seq);
    for (const [k, e] of below) out.record(k.slice(prefix.length), e.origin);
    return out;
  }
}
