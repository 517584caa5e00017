import { describeError, maskStreamPath, type AuthApi, type Principal, type StreamApi } from 'xlive/sdk';
import type { StreamRequest } from './stream-request.js';

export type StreamAction = 'publish' | 'read';

export type AccessResult =
  | { ok: true; path: string; principal: Principal }
  /** `bad-name`: the path is unusable; `denied`: credentials refused or not allowed. */
  | { ok: false; refusal: 'bad-name' | 'denied'; reason: string };

export interface AccessDeps {
  auth: Pick<AuthApi, 'authenticate' | 'authorize'>;
  streams: Pick<StreamApi, 'parsePath'>;
}

/**
 * Authenticate a publish/play request as `stream` credentials, map it to `<app>/<stream>` (an auth
 * provider may map a key to its real path via `principal.streamPath`) and authorize the action on
 * `stream:<path>`.
 */
export async function authorizeStream(
  deps: AccessDeps,
  req: StreamRequest,
  action: StreamAction,
  remote: string,
): Promise<AccessResult> {
  if (req.name === '') return { ok: false, refusal: 'bad-name', reason: 'empty stream name' };
  let principal: Principal;
  try {
    principal = await deps.auth.authenticate({ type: 'stream', app: req.app, name: req.name, query: req.query, remote, action });
  } catch (err) {
    return { ok: false, refusal: 'denied', reason: `authentication failed: ${describeError(err)}` };
  }
  let path: string;
  try {
    path = deps.streams.parsePath(principal.streamPath ?? `${req.app}/${req.name}`).path;
  } catch (err) {
    return { ok: false, refusal: 'bad-name', reason: describeError(err) };
  }
  let allowed: boolean;
  try {
    allowed = await deps.auth.authorize(principal, `stream:${path}`, action);
  } catch (err) {
    return { ok: false, refusal: 'denied', reason: `authorization failed: ${describeError(err)}` };
  }
  if (!allowed) {
    // The path may be a stream key sent as the name: never put it in a reason that gets logged.
    return { ok: false, refusal: 'denied', reason: `${principal.display ?? principal.id} may not ${action} ${maskStreamPath(path)}` };
  }
  return { ok: true, path, principal };
}
