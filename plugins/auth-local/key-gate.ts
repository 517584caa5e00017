import { AUTH_LOCAL_GATE_ORDER, AuthenticationError, RateLimitedError, describeError, isXliveError, maskStreamPath, type GateDecision, type GateDefinition, type GateRequest } from 'xlive/sdk';
import type { StreamGate } from './stream-gate.js';

/**
 * auth-local's place in the gate chain (order 100): the stream-key check for publishes (a key sent as
 * the name maps the request to its stream, so later gates see `live/stage`) and the protected-stream
 * check for plays (`?token=` playback tokens). Refusals carry a reason without any part of a key;
 * refused attempts count against the per-address budgets as before.
 */
export function keyGate(streams: StreamGate): GateDefinition {
  return {
    actions: ['publish', 'play'],
    order: AUTH_LOCAL_GATE_ORDER,
    // Synchronous SQLite lookups: the default timeout is ample; refusing is the only safe default.
    onError: 'deny',
    decide: (req) => decideStream(streams, req),
  };
}

export function decideStream(streams: StreamGate, req: GateRequest): GateDecision {
  const action = req.action === 'publish' ? 'publish' : 'read';
  const [app = req.app, ...rest] = req.path.split('/');
  const name = rest.join('/') || req.name;
  try {
    const principal = streams.authenticate({ type: 'stream', app, name, query: { ...req.query }, remote: req.remote, action });
    const path = principal.streamPath ?? req.path;
    if (streams.authorize(principal, path, action)) return { allow: true, path };
    const why = req.action === 'publish' ? (principal.kind === 'stream' ? `its stream key belongs to ${principal.streamPath}` : 'no valid stream key') : 'the stream is protected: a playback token (?token=) or a viewer login is needed';
    return { allow: false, reason: `${why} (${req.action} ${maskStreamPath(path)})` };
  } catch (err) {
    if (err instanceof RateLimitedError) return { allow: false, reason: err.message, retryAfterSeconds: err.retryAfterSeconds };
    // A wrong key or playback token (HTTP 401), as before the chain.
    if (err instanceof AuthenticationError) return { allow: false, reason: err.message, badCredentials: true };
    if (isXliveError(err)) return { allow: false, reason: err.message };
    throw new Error(`stream decision failed: ${describeError(err)}`, { cause: err });
  }
}
