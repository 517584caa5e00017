/**
 * Play decisions for HLS, kept cheap: HLS has no connection, a player asks for the playlist every
 * target duration and for every segment. The gate chain is asked once per viewer session — the
 * client address, the stream and the query it plays with (the playlist's query is carried into its
 * segment URIs) — and the answer is kept: an allow for `allowMs` (30 s), a refusal for `denyMs` (5 s).
 * Concurrent requests of one session share one decision. Bounded to `maxEntries` sessions.
 */
import { gateRefusalError, type GateOutcome, type GatesApi } from 'xlive/sdk';

export interface PlayDecisionOptions {
  gates: Pick<GatesApi, 'decide'>;
  allowMs?: number;
  denyMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export class PlayDecisions {
  private readonly kept = new Map<string, { until: number; outcome: GateOutcome }>();
  private readonly inFlight = new Map<string, Promise<GateOutcome>>();
  private readonly allowMs: number;
  private readonly denyMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly o: PlayDecisionOptions) {
    this.allowMs = o.allowMs ?? 30_000;
    this.denyMs = o.denyMs ?? 0;
    this.maxEntries = o.maxEntries ?? 4096;
    this.now = o.now ?? Date.now;
  }

  /** The path `<app>/<name>` may be played at (a gate may map it), or the refusal as a coded error. */
  async decide(app: string, name: string, query: Record<string, string>, remote: string): Promise<string> {
    const key = `${ipOf(remote)}\n${app}/${name}\n${canonicalQuery(query)}`;
    const outcome = await this.outcome(key, () => this.o.gates.decide({ action: 'play', protocol: 'hls', app, name, query, remote }));
    if (!outcome.allow) throw gateRefusalError(outcome, 'play');
    return outcome.path;
  }

  /** Access to `path` was withdrawn: forget every kept decision about it (asked again on the next request). */
  forget(path: string): void {
    for (const [key, kept] of this.kept) {
      if (key.split('\n')[1] === path || (kept.outcome.allow && kept.outcome.path === path)) this.kept.delete(key);
    }
  }

  private async outcome(key: string, ask: () => Promise<GateOutcome>): Promise<GateOutcome> {
    const t = this.now();
    const hit = this.kept.get(key);
    if (hit && hit.until > t) return hit.outcome;
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = ask().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    const outcome = await p;
    this.kept.delete(key);
    const ms = outcome.allow ? this.allowMs : this.denyMs;
    if (ms <= 0) return outcome;
    if (this.kept.size >= this.maxEntries) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(key, { until: this.now() + ms, outcome });
    return outcome;
  }
}

/** The query as segment URIs carry it: `a=1&token=x`, keys sorted, percent-encoded. */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(query[k]!)}`)
    .join('&');
}

function ipOf(remote: string): string {
  const i = remote.lastIndexOf(':');
  return i > 0 ? remote.slice(0, i) : remote;
}
