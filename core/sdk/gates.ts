/**
 * Gates: the chain that decides every publish and play (API 1.3). Any plugin with the
 * `streams:gate` permission registers a gate with an explicit `order`; protocol plugins ask the chain
 * (`ctx.gates.decide`) before a publish is announced or a viewer is served. Veto semantics: every gate
 * in order must allow; the first deny ends the chain with its reason.
 */
import { AuthenticationError, AuthUnavailableError, ForbiddenError, RateLimitedError, ValidationError, type XliveError } from './errors.js';

export type GateAction = 'publish' | 'play';

/** Where auth-local's stream-key and protected-stream check sits. Lower orders run before it. */
export const AUTH_LOCAL_GATE_ORDER = 100;
/** A gate's answer time unless it sets its own `timeoutMs`. */
export const DEFAULT_GATE_TIMEOUT_MS = 3000;
/** Bounds of a gate's `timeoutMs`. */
export const MIN_GATE_TIMEOUT_MS = 10;
export const MAX_GATE_TIMEOUT_MS = 30_000;
/** Longest refusal reason kept (longer ones are cut); control characters are replaced by spaces. */
export const MAX_GATE_REASON = 300;

/** What a protocol plugin asks the chain about (before any byte of the stream moves). */
export interface GateQuery {
  action: GateAction;
  /** `rtmp`, `http-flv`, `ws-flv`, `hls`, … */
  protocol: string;
  app: string;
  /** The stream name as the client sent it, without its query: it may be the stream key itself (OBS). */
  name: string;
  /** Query values the client sent (`?key=`, `?token=`, anything else). */
  query: Readonly<Record<string, string>>;
  /** The client's `<address>:<port>`. */
  remote: string;
}

/** What a gate sees: the query, plus the path as decided so far and the client address alone. */
export interface GateRequest extends GateQuery {
  /**
   * `<app>/<name>`, or the path an earlier gate mapped the request to (auth-local maps a key sent as
   * the name to its stream: gates after order 100 see `live/stage`, gates before it `live/<key>`).
   */
  path: string;
  /** The client address without the port (IPv4-mapped IPv6 shown as IPv4). */
  ip: string;
  /** `?key=` if sent (publishers; a key may also be the `name`). */
  key?: string;
  /** `?token=` if sent (players: a playback token). */
  token?: string;
}

export type GateDecision =
  /** `path`: the real `<app>/<stream>` this request maps to (later gates and the protocol use it). */
  | { allow: true; path?: string }
  /** `reason` reaches the client (RTMP onStatus description, HTTP problem detail), the log and the events: never put a secret in it. */
  /**
   * `badCredentials`: the request carried a key or token that is wrong (HTTP answers 401 instead of
   * 403); `retryAfterSeconds`: too many attempts (HTTP 429 with Retry-After).
   */
  | { allow: false; reason: string; retryAfterSeconds?: number; badCredentials?: boolean };

export interface GateDefinition {
  /** Shown in events and logs as `<plugin id>/<name>` (or the plugin id alone without a name). */
  name?: string;
  /** Which decisions this gate takes part in. */
  actions: readonly GateAction[];
  /** Position in the chain: lower runs first; ties run by gate id. auth-local sits at AUTH_LOCAL_GATE_ORDER (100). */
  order: number;
  /** How long the gate may take (default DEFAULT_GATE_TIMEOUT_MS, bounded to 10 ms … 30 s). */
  timeoutMs?: number;
  /** The answer when the gate throws or times out (default `deny`: a box that cannot decide must refuse). */
  onError?: 'deny' | 'allow';
  /** Decide; `signal` aborts when the timeout passes (cancel outgoing requests with it). */
  decide(request: GateRequest, signal: AbortSignal): GateDecision | Promise<GateDecision>;
}

/** Why the chain refused: a gate said no, or could not answer, or the box could not decide at all. */
export type GateRefusalCode = 'GATE_DENIED' | 'GATE_TIMEOUT' | 'GATE_FAILED' | 'GATES_BUSY' | 'AUTH_UNAVAILABLE' | 'BAD_NAME';

export type GateOutcome =
  | { allow: true; path: string }
  | { allow: false; code: GateRefusalCode; gate: string; reason: string; retryAfterSeconds?: number; badCredentials?: boolean };

export interface GatesApi {
  /** Join the chain (needs the `streams:gate` permission); only during setup. */
  register(gate: GateDefinition): void;
  /**
   * Ask the chain (a publish needs `streams:publish`, a play `streams:read`). Never throws for a
   * refusal: the outcome names the gate and its reason. The chain records `stream.publish.refused` /
   * `stream.play.refused` events and logs the refusal itself.
   */
  decide(query: GateQuery): Promise<GateOutcome>;
  /**
   * Access to `path` was withdrawn (protection turned on, playback links revoked): protocols that keep
   * play decisions for a while (HLS) forget those of `path`. Needs `streams:gate`.
   */
  revoke(path: string): void;
  /** Called with each revoked path; returns an unsubscribe function (removed when the plugin stops). */
  onRevoke(listener: (path: string) => void): () => void;
}

/** The one-line text of a refusal, as encoders and players are told it. */
export function describeRefusal(outcome: Extract<GateOutcome, { allow: false }>): string {
  return `refused by ${outcome.gate}: ${outcome.reason}`;
}

/** A refusal as the coded error an HTTP protocol answers with (403, 401, 429, 503, 400). */
export function gateRefusalError(outcome: Extract<GateOutcome, { allow: false }>, action: GateAction): XliveError {
  const message = `${action} ${describeRefusal(outcome)}`;
  const details = { gate: outcome.gate, reason: outcome.reason, refusal: outcome.code };
  if (outcome.code === 'AUTH_UNAVAILABLE') return new AuthUnavailableError(outcome.reason, { details });
  if (outcome.code === 'BAD_NAME') return new ValidationError(outcome.reason, { details });
  if (outcome.retryAfterSeconds !== undefined) return new RateLimitedError(message, outcome.retryAfterSeconds, { details });
  if (outcome.badCredentials) return new AuthenticationError(message, { details });
  return new ForbiddenError(message, { details });
}
