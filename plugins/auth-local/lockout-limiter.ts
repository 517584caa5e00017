import type { PluginDatabase, PluginStatement } from 'xlive/sdk';

/**
 * Persistent, growing lockouts for login and setup (one row per key such as `login-user:alice` or
 * `login-ip:10.0.0.5` in `auth_local_lockouts`, so they survive a restart).
 *
 * Every attempt is counted *before* the password is checked (`attempt`), so parallel guesses cannot
 * slip past the limit while scrypt runs; a successful login gives the point back (`succeeded`).
 * When an attempt finds `limit` failures already counted in the window, the key is locked for
 * `base · 2^(level-1)` seconds (capped at `max`), where `level` counts lockouts and starts over after
 * `forgetAfter` without failures. While locked, attempts are refused without being counted.
 *
 * Why not rate-limiter-flexible's RateLimiterSQLite: it wants a raw better-sqlite3 handle (its
 * `transaction(fn)` must return a function; the SDK's PluginDatabase runs it at once), it reads
 * `Date.now()` (tests could not control time), and it has no growing lockouts. This table is small
 * and each check is one synchronous transaction.
 */
export interface LockoutPolicy {
  windowMs: number;
  baseMs: number;
  maxMs: number;
  forgetAfterMs: number;
}

export type AttemptResult = { allowed: true } | { allowed: false; retryAfterMs: number; lockedNow: boolean };

interface Row {
  failures: number;
  window_start: number;
  level: number;
  locked_until: number;
  last_failure: number;
}

export class LockoutLimiter {
  private readonly select: PluginStatement;
  private readonly upsert: PluginStatement;
  private readonly remove: PluginStatement;
  private readonly purge: PluginStatement;

  constructor(
    private readonly db: PluginDatabase,
    private readonly policy: LockoutPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.select = db.prepare('SELECT failures, window_start, level, locked_until, last_failure FROM auth_local_lockouts WHERE key = ?');
    this.upsert = db.prepare(
      `INSERT INTO auth_local_lockouts (key, failures, window_start, level, locked_until, last_failure) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, level = excluded.level,
         locked_until = excluded.locked_until, last_failure = excluded.last_failure`,
    );
    this.remove = db.prepare('DELETE FROM auth_local_lockouts WHERE key = ?');
    this.purge = db.prepare('DELETE FROM auth_local_lockouts WHERE locked_until < ? AND last_failure < ?');
  }

  /**
   * Count one attempt on every key (`limit` per key), atomically. Refused when any key is locked or
   * reaches its limit now; then nothing else is counted.
   */
  attempt(keys: ReadonlyArray<{ key: string; limit: number }>): AttemptResult {
    return this.db.transaction(() => {
      const t = this.now();
      const rows = keys.map(({ key, limit }) => ({ key, limit, row: this.fresh(this.select.get(key) as Row | undefined, t) }));
      const locked = rows.filter((r) => r.row.locked_until > t);
      if (locked.length > 0) return { allowed: false, retryAfterMs: Math.max(...locked.map((r) => r.row.locked_until - t)), lockedNow: false } as const;
      const full = rows.filter((r) => r.row.failures >= r.limit);
      if (full.length > 0) {
        let retry = 0;
        for (const { key, row } of full) {
          const level = row.level + 1;
          const until = t + Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(level - 1, 30));
          this.upsert.run(key, 0, t, level, until, t);
          retry = Math.max(retry, until - t);
        }
        return { allowed: false, retryAfterMs: retry, lockedNow: true } as const;
      }
      for (const { key, row } of rows) this.upsert.run(key, row.failures + 1, row.window_start, row.level, row.locked_until, t);
      return { allowed: true } as const;
    });
  }

  /** Give back the point `attempt` took (a correct password). */
  refund(key: string): void {
    this.db.transaction(() => {
      const row = this.select.get(key) as Row | undefined;
      if (row && row.failures > 0) this.upsert.run(key, row.failures - 1, row.window_start, row.level, row.locked_until, row.last_failure);
    });
  }

  /** Forget a key entirely (a correct password for that username, or an admin reset on the console). */
  reset(key: string): void {
    this.remove.run(key);
  }

  /** Forget every key starting with `prefix` (e.g. all sources of one username). */
  resetPrefix(prefix: string): number {
    return this.db.prepare('DELETE FROM auth_local_lockouts WHERE substr(key, 1, ?) = ?').run(prefix.length, prefix).changes;
  }

  /** Drop rows no longer locked and idle past `forgetAfter` (bounded table). */
  prune(): number {
    const t = this.now();
    return this.purge.run(t, t - this.policy.forgetAfterMs).changes;
  }

  /** Lock state of a key, for tests and the panel. */
  peek(key: string): { failures: number; level: number; lockedForMs: number } {
    const t = this.now();
    const row = this.fresh(this.select.get(key) as Row | undefined, t);
    return { failures: row.failures, level: row.level, lockedForMs: Math.max(0, row.locked_until - t) };
  }

  /** Apply window expiry and level decay to a stored row (or an empty one). */
  private fresh(row: Row | undefined, t: number): Row {
    if (!row) return { failures: 0, window_start: t, level: 0, locked_until: 0, last_failure: 0 };
    const r = { ...row };
    if (t - r.window_start > this.policy.windowMs) {
      r.failures = 0;
      r.window_start = t;
    }
    if (r.level > 0 && t - r.last_failure > this.policy.forgetAfterMs && r.locked_until <= t) r.level = 0;
    return r;
  }
}
