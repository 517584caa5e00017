/**
 * The http-callback gate: before a publish or play, POST what the gate sees as JSON to the configured
 * URL; a 2xx answer allows, anything else refuses with the answer's `reason` (JSON body) or its
 * status. Network errors and 5xx answers are retried with a doubling backoff, all within the gate's
 * timeout (the chain aborts the attempt in flight when it passes, and answers `onError`).
 */
import { createHmac } from 'node:crypto';
import { describeError, maskStreamName, type GateAction, type GateDecision, type GateDefinition, type GateRequest, type Logger } from 'xlive/sdk';
import type { PostCallback } from './callback-client.js';
import { shownUrl, type HttpCallbackConfig } from './config.js';

/** Longest `reason` taken from an answer. */
const MAX_REASON = 200;

export interface CallbackGateDeps {
  post: PostCallback;
  log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Counts answers by action and outcome (allow, deny, error, busy). */
  onAnswer?(action: GateAction, outcome: 'allow' | 'deny' | 'error' | 'busy'): void;
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  now?(): number;
}

/** The JSON body POSTed to the callback URL. */
export interface CallbackBody {
  action: GateAction;
  protocol: string;
  app: string;
  /** The stream name as the client sent it (a key sent as the name unless `sendCredentials` is false). */
  name: string;
  /** `<app>/<stream>` as decided so far (after auth-local, a key is mapped to its stream). */
  path: string;
  query: Record<string, string>;
  key?: string;
  token?: string;
  /** Client address, and with its port. */
  ip: string;
  remote: string;
}

/** The gate for the configured URLs (undefined when neither is set: the plugin then does nothing). */
export function callbackGate(config: HttpCallbackConfig, deps: CallbackGateDeps): GateDefinition | undefined {
  const actions: GateAction[] = [];
  if (config.publishUrl) actions.push('publish');
  if (config.playUrl) actions.push('play');
  if (actions.length === 0) return undefined;
  let inFlight = 0;
  return {
    actions,
    order: config.order,
    timeoutMs: config.timeoutMs,
    onError: config.onError,
    decide: async (req, signal) => {
      const url = req.action === 'publish' ? config.publishUrl! : config.playUrl!;
      if (inFlight >= config.maxConcurrent) {
        deps.onAnswer?.(req.action, 'busy');
        throw new Error(`${config.maxConcurrent} callbacks are already in flight`);
      }
      inFlight++;
      try {
        const decision = await ask(config, deps, url, req, signal);
        deps.onAnswer?.(req.action, decision.allow ? 'allow' : 'deny');
        return decision;
      } catch (err) {
        deps.onAnswer?.(req.action, 'error');
        throw err;
      } finally {
        inFlight--;
      }
    },
  };
}

async function ask(config: HttpCallbackConfig, deps: CallbackGateDeps, url: URL, req: GateRequest, signal: AbortSignal): Promise<GateDecision> {
  const body = JSON.stringify(bodyOf(req, config.sendCredentials));
  const headers: Record<string, string> = { 'user-agent': 'xlive-http-callback' };
  if (config.secret) headers['x-xlive-signature'] = `sha256=${createHmac('sha256', config.secret).update(body).digest('hex')}`;
  const sleep = deps.sleep ?? abortableSleep;
  const now = deps.now ?? Date.now;
  const deadline = now() + config.timeoutMs;
  const where = shownUrl(url);
  let backoff = config.backoffMs;
  for (let attempt = 0; ; attempt++) {
    let failure: string;
    try {
      const answer = await deps.post(url, body, headers, signal);
      if (answer.status >= 200 && answer.status < 300) return { allow: true };
      if (answer.status < 500) return { allow: false, reason: reasonOf(answer.status, answer.body) };
      failure = `answered ${answer.status}`;
      if (attempt >= config.retries || now() + backoff >= deadline) return { allow: false, reason: reasonOf(answer.status, answer.body) };
    } catch (err) {
      if (signal.aborted) throw err;
      failure = describeError(err);
      if (attempt >= config.retries || now() + backoff >= deadline) throw new Error(`${where} could not be reached: ${failure}`);
    }
    deps.log.debug(`${req.action} callback to ${where} ${failure}; retrying in ${backoff} ms`);
    await sleep(backoff, signal);
    backoff *= 2;
  }
}

/** What the callback is told; keys and tokens as fingerprints unless `sendCredentials`. */
export function bodyOf(req: GateRequest, sendCredentials: boolean): CallbackBody {
  const hide = (v: string) => (sendCredentials ? v : `key#${maskStreamName(v.padEnd(16, ' ')).slice(4)}`);
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.query)) query[k] = k === 'key' || k === 'token' ? hide(v) : v;
  const name = sendCredentials ? req.name : maskStreamName(req.name);
  const slash = req.path.indexOf('/');
  const path = sendCredentials || slash < 0 ? req.path : `${req.path.slice(0, slash)}/${maskStreamName(req.path.slice(slash + 1))}`;
  return {
    action: req.action,
    protocol: req.protocol,
    app: req.app,
    name,
    path,
    query,
    ...(req.key !== undefined && { key: hide(req.key) }),
    ...(req.token !== undefined && { token: hide(req.token) }),
    ip: req.ip,
    remote: req.remote,
  };
}

/** `reason` from a JSON answer (bounded), else the status. */
export function reasonOf(status: number, body: string): string {
  let reason: unknown;
  try {
    reason = (JSON.parse(body) as { reason?: unknown } | null)?.reason;
  } catch {
    reason = undefined;
  }
  const text = typeof reason === 'string' ? reason.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim().slice(0, MAX_REASON) : '';
  return text === '' ? `the callback answered ${status}` : text;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
