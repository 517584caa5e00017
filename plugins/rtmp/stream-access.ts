import { describeError, describeRefusal, type GatesApi } from 'xlive/sdk';
import type { StreamRequest } from './stream-request.js';

export type StreamAction = 'publish' | 'read';

export type AccessResult =
  | { ok: true; path: string }
  /** `bad-name`: the path is unusable; `denied`: a gate refused (the reason names it). */
  | { ok: false; refusal: 'bad-name' | 'denied'; reason: string };

export interface AccessDeps {
  gates: Pick<GatesApi, 'decide'>;
}

/**
 * Ask the gate chain about a publish/play request (`<app>/<name>` with its query and the client
 * address). A gate may map the request to its real path (auth-local maps a key sent as the name);
 * a refusal's reason names the gate and is safe to send to the client (no key in it).
 */
export async function authorizeStream(deps: AccessDeps, req: StreamRequest, action: StreamAction, remote: string): Promise<AccessResult> {
  if (req.name === '') return { ok: false, refusal: 'bad-name', reason: 'empty stream name' };
  try {
    const outcome = await deps.gates.decide({ action: action === 'publish' ? 'publish' : 'play', protocol: 'rtmp', app: req.app, name: req.name, query: req.query, remote });
    if (outcome.allow) return { ok: true, path: outcome.path };
    return { ok: false, refusal: outcome.code === 'BAD_NAME' ? 'bad-name' : 'denied', reason: describeRefusal(outcome) };
  } catch (err) {
    return { ok: false, refusal: 'denied', reason: `the decision failed: ${describeError(err)}` };
  }
}
