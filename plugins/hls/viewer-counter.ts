/**
 * HLS viewers have no connection to count: a viewer is a session (a hash of IP and User-Agent) that
 * asked for a playlist or segment of a stream within the last `windowMs` (three target durations).
 * Bounded per stream (least recently seen sessions go first) and by the streams the owner keeps.
 */
import { createHash } from 'node:crypto';

export class ViewerCounter {
  /** path → session key → last seen (ms); each inner map is kept in least-recently-seen order. */
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(
    private readonly windowMs: number,
    private readonly maxPerStream = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** A session key for a client: a short hash, so neither the IP nor the User-Agent is kept. */
  static sessionKey(ip: string, userAgent: string | undefined): string {
    return createHash('sha1').update(ip).update('\n').update((userAgent ?? '').slice(0, 512)).digest('base64url').slice(0, 16);
  }

  touch(path: string, session: string): void {
    let sessions = this.seen.get(path);
    if (!sessions) {
      sessions = new Map();
      this.seen.set(path, sessions);
    }
    sessions.delete(session);
    sessions.set(session, this.now());
    if (sessions.size > this.maxPerStream) sessions.delete(sessions.keys().next().value!);
  }

  /** Viewers of `path` now (forgets the sessions that timed out). */
  count(path: string): number {
    const sessions = this.seen.get(path);
    if (!sessions) return 0;
    const cutoff = this.now() - this.windowMs;
    for (const [key, at] of sessions) {
      if (at >= cutoff) break; // the rest were seen later
      sessions.delete(key);
    }
    if (sessions.size === 0) this.seen.delete(path);
    return sessions.size;
  }

  /** Viewers per stream with at least one viewer, pruning as it goes. */
  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const path of [...this.seen.keys()]) {
      const n = this.count(path);
      if (n > 0) out.set(path, n);
    }
    return out;
  }

  forget(path: string): void {
    this.seen.delete(path);
  }
}
