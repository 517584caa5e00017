/**
 * The core keys a running box takes live (`PATCH /api/v1/config`), each with the part that applies
 * it. Every other core key waits for a restart of the service: the logger, the HTTP server, the
 * plugin host and the event log are built once at start.
 */
import type { CoreConfig } from '../core/config/core-schema.js';
import { ConfigError } from '../core/errors/xlive-error.js';
import type { RateLimitOptions } from '../core/http/rate-limits.js';
import type { ConnectionGuard } from '../core/net/connection-guard.js';
import type { ConnectionLimits } from '../core/sdk/net.js';
import type { StreamHubOptions } from '../core/streams/stream-hub.js';

/** The part of the descriptor budget HTTP may claim (the rest is kept for plugin listeners). */
export const HTTP_GUARD_SHARE = 0.75;

export interface LiveCoreParts {
  hub: { setOptions(options: Partial<StreamHubOptions>): void };
  rateLimits: { setRates(rates: Pick<RateLimitOptions, 'apiPerIpPerMinute' | 'apiPerTokenPerMinute' | 'mediaPerIpPerMinute'>): void };
  httpGuard: ConnectionGuard;
  guards: { resize(guard: ConnectionGuard, limits: ConnectionLimits, share?: number): void };
}

/**
 * Apply the changed core keys (`changed`: dotted leaves) that can be applied live; returns those it
 * applied. Invalid connection caps throw ConfigError (naming `connections.http`) before anything changes.
 */
export type LiveCoreApplier = (next: Readonly<CoreConfig>, changed: readonly string[]) => readonly string[];

export function liveCoreConfig(parts: LiveCoreParts): LiveCoreApplier {
  // The one that can refuse comes first, so a refusal leaves everything as it was.
  const appliers: Array<{ prefix: string; apply(v: Readonly<CoreConfig>): void }> = [
    {
      prefix: 'connections.http',
      apply: (v) => {
        try {
          parts.guards.resize(parts.httpGuard, v.connections.http, HTTP_GUARD_SHARE);
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          throw new ConfigError(`config: connections.http ${err.message.replace(/^http: /, '')}`, { cause: err, details: { key: 'connections.http', value: v.connections.http } });
        }
      },
    },
    { prefix: 'streams', apply: (v) => parts.hub.setOptions(v.streams) },
    { prefix: 'http.rateLimits', apply: (v) => parts.rateLimits.setRates(v.http.rateLimits) },
  ];
  const under = (key: string, prefix: string) => key === prefix || key.startsWith(`${prefix}.`);
  return (next, changed) => {
    const live = changed.filter((k) => appliers.some((a) => under(k, a.prefix)));
    for (const a of appliers) if (live.some((k) => under(k, a.prefix))) a.apply(next);
    return live;
  };
}
