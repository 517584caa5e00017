import { isIP } from 'node:net';
import { PluginError, describeError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { MetricsApi } from '../sdk/metrics.js';
import type { StreamApi } from '../sdk/streams.js';
import {
  DEFAULT_GATE_TIMEOUT_MS,
  MAX_GATE_REASON,
  MAX_GATE_TIMEOUT_MS,
  MIN_GATE_TIMEOUT_MS,
  type GateAction,
  type GateDecision,
  type GateDefinition,
  type GateOutcome,
  type GateQuery,
  type GateRequest,
} from '../sdk/gates.js';
import type { RefusalRecorder } from './refusal-recorder.js';

/** A registered gate: its definition with defaults applied, its id and owner. */
export interface GateEntry {
  id: string;
  owner: string;
  order: number;
  timeoutMs: number;
  onError: 'deny' | 'allow';
  actions: ReadonlySet<GateAction>;
  decide: GateDefinition['decide'];
}

/** What the chain asks of the auth registry: whether the box can decide (fail closed unless lab mode). */
export interface GateAuthState {
  readonly available: boolean;
  readonly labMode: boolean;
}

export interface GateChainDeps {
  auth: GateAuthState;
  /** The state of a gate's plugin: running gates are asked; a failed (or skipped) plugin's gates answer their `onError`; others are left out. */
  ownerState(owner: string): 'running' | 'failed' | 'absent';
  streams: Pick<StreamApi, 'parsePath'>;
  refusals: Pick<RefusalRecorder, 'refused'>;
  log: Pick<Logger, 'warn' | 'debug'>;
  /** Message the box gives when no auth plugin runs (AUTH_UNAVAILABLE). */
  unavailableMessage: string;
  /** Decisions in flight at once; beyond it the chain refuses at once (GATES_BUSY). Default 256. */
  maxPending?: number;
}

type Refusal = Extract<GateOutcome, { allow: false }>;
type Answer = { allow: true; path?: string } | Refusal;

/**
 * The chain of publish and play gates, in `order` (ties by gate id), with veto semantics: every
 * gate must allow; the first deny ends the chain with its reason. A gate that throws or does not
 * answer within its timeout answers its `onError` (deny unless it chose allow). With no auth plugin
 * running the box refuses everything (AUTH_UNAVAILABLE) unless lab mode; in lab mode the remaining
 * gates still decide.
 */
export class GateChain {
  private readonly gates: GateEntry[] = [];
  private pending = 0;
  private readonly maxPending: number;
  private answers: ReturnType<MetricsApi['counter']> | undefined;
  private readonly revokeListeners = new Set<(path: string) => void>();

  constructor(private readonly d: GateChainDeps) {
    this.maxPending = d.maxPending ?? 256;
  }

  /** `xlive_gate_answers_total{gate,action,answer}` and `xlive_gate_pending`. */
  registerMetrics(metrics: Pick<MetricsApi, 'counter' | 'gauge'>): void {
    this.answers = metrics.counter({ name: 'xlive_gate_answers_total', help: 'Answers of publish/play gates: allow, deny, timeout, error (a timeout or error answers the gate\'s onError)', labelNames: ['gate', 'action', 'answer'] });
    metrics.gauge({ name: 'xlive_gate_pending', help: 'Publish/play decisions being taken now', collect: (g) => g.set({}, this.pending) });
  }

  /** Add (or, on a plugin restart, replace) a gate of `owner`. Throws PluginError for a bad definition. */
  register(owner: string, def: GateDefinition): void {
    this.add(this.prepare(owner, def));
  }

  /** A definition checked, with its defaults (throws PluginError naming what is wrong). */
  prepare(owner: string, def: GateDefinition): GateEntry {
    if (typeof def !== 'object' || def === null) throw new PluginError('PLUGIN_SETUP_FAILED', `plugin ${owner}: ctx.gates.register needs a gate definition object`);
    const id = def.name ? `${owner}/${def.name}` : owner;
    const bad = (why: string) => new PluginError('PLUGIN_SETUP_FAILED', `plugin ${owner}: gate ${id} ${why}`);
    if (typeof def.decide !== 'function') throw bad('has no decide(request) function');
    if (typeof def.order !== 'number' || !Number.isFinite(def.order)) throw bad(`needs a finite numeric order (auth-local sits at 100), not ${String(def.order)}`);
    const timeoutMs = def.timeoutMs ?? DEFAULT_GATE_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs < MIN_GATE_TIMEOUT_MS || timeoutMs > MAX_GATE_TIMEOUT_MS) {
      throw bad(`timeoutMs must be ${MIN_GATE_TIMEOUT_MS}…${MAX_GATE_TIMEOUT_MS} ms, not ${String(def.timeoutMs)}`);
    }
    const actions = new Set(def.actions);
    if (actions.size === 0 || [...actions].some((a) => a !== 'publish' && a !== 'play')) throw bad('needs actions: ["publish"], ["play"] or both');
    if (def.onError !== undefined && def.onError !== 'deny' && def.onError !== 'allow') throw bad('onError must be "deny" or "allow"');
    return { id, owner, order: def.order, timeoutMs, onError: def.onError ?? 'deny', actions, decide: def.decide };
  }

  /** Put a prepared gate in its place (replacing one with the same id). */
  add(entry: GateEntry): void {
    const id = entry.id;
    const at = this.gates.findIndex((g) => g.id === id);
    if (at >= 0) this.gates.splice(at, 1);
    this.gates.push(entry);
    this.gates.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The gates in the order they are asked (id, order, actions, timeout, default), for docs and status. */
  list(): Array<{ id: string; order: number; actions: GateAction[]; timeoutMs: number; onError: 'deny' | 'allow' }> {
    return this.gates.map((g) => ({ id: g.id, order: g.order, actions: [...g.actions], timeoutMs: g.timeoutMs, onError: g.onError }));
  }

  /** Tell the protocols that keep decisions that access to `path` was withdrawn. */
  revoke(path: string): void {
    for (const l of this.revokeListeners) {
      try {
        l(path);
      } catch (err) {
        this.d.log.warn(`a revoke listener failed: ${describeError(err)}`);
      }
    }
  }

  onRevoke(listener: (path: string) => void): () => void {
    this.revokeListeners.add(listener);
    return () => this.revokeListeners.delete(listener);
  }

  async decide(q: GateQuery): Promise<GateOutcome> {
    const req: GateRequest = {
      action: q.action,
      protocol: q.protocol,
      app: q.app,
      name: q.name,
      query: Object.freeze({ ...q.query }),
      remote: q.remote,
      path: `${q.app}/${q.name}`,
      ip: ipOf(q.remote),
      ...(q.query['key'] !== undefined && { key: q.query['key'] }),
      ...(q.query['token'] !== undefined && { token: q.query['token'] }),
    };
    const outcome = await this.run(req);
    if (!outcome.allow) this.d.refusals.refused(req, outcome);
    return outcome;
  }

  private async run(req: GateRequest): Promise<GateOutcome> {
    const core = (code: Refusal['code'], reason: string): Refusal => ({ allow: false, code, gate: 'core', reason });
    if (req.name.trim() === '') return core('BAD_NAME', 'empty stream name');
    const bad = this.badPath(req.path);
    if (bad) return core('BAD_NAME', bad);
    if (!this.d.auth.available && !this.d.auth.labMode) return core('AUTH_UNAVAILABLE', this.d.unavailableMessage);
    if (this.pending >= this.maxPending) return core('GATES_BUSY', `too many publish and play decisions are pending (${this.maxPending}); try again shortly`);
    this.pending++;
    try {
      let path = req.path;
      let asked = 0;
      for (const g of this.gates) {
        if (!g.actions.has(req.action)) continue;
        const state = this.d.ownerState(g.owner);
        if (state === 'absent') continue;
        asked++;
        const answer = state === 'failed' ? this.fallback(g, 'GATE_FAILED', `its plugin ${g.owner} has failed`) : await this.ask(g, { ...req, path });
        if (!answer.allow) return answer;
        if (answer.path !== undefined && answer.path !== path) {
          const wrong = this.badPath(answer.path);
          if (wrong) return { allow: false, code: 'GATE_FAILED', gate: g.id, reason: `mapped the request to an invalid path: ${wrong}` };
          path = answer.path;
        }
      }
      // An auth provider runs but no gate decides this action: nobody vouched for it (lab mode: open).
      if (asked === 0 && !this.d.auth.labMode) return core('AUTH_UNAVAILABLE', `no running plugin decides ${req.action}s on this box (no ${req.action} gate); the operator finds the cause in the box log`);
      return { allow: true, path };
    } finally {
      this.pending--;
    }
  }

  /** One gate's answer within its timeout; a throw or timeout answers its `onError`. */
  private async ask(g: GateEntry, req: GateRequest): Promise<Answer> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), g.timeoutMs);
    });
    try {
      const raced = await Promise.race([Promise.resolve().then(() => g.decide(Object.freeze(req), abort.signal)), timedOut]);
      if (raced === 'timeout') {
        abort.abort(new Error(`gate ${g.id} did not answer within ${g.timeoutMs} ms`));
        return this.fallback(g, 'GATE_TIMEOUT', `did not answer within ${g.timeoutMs} ms`);
      }
      return this.checked(g, raced);
    } catch (err) {
      abort.abort(err);
      return this.fallback(g, 'GATE_FAILED', `failed: ${describeError(err)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A decision as the gate gave it, validated; anything else counts as the gate failing. */
  private checked(g: GateEntry, d: GateDecision | undefined): Answer {
    if (d && d.allow === true) {
      this.count(g, 'allow');
      if (d.path !== undefined && typeof d.path !== 'string') return this.fallback(g, 'GATE_FAILED', 'answered a path that is not a string');
      return d.path === undefined ? { allow: true } : { allow: true, path: d.path };
    }
    if (d && d.allow === false) {
      this.count(g, 'deny');
      const retry = typeof d.retryAfterSeconds === 'number' && d.retryAfterSeconds > 0 ? { retryAfterSeconds: d.retryAfterSeconds } : {};
      return { allow: false, code: 'GATE_DENIED', gate: g.id, reason: cleanReason(d.reason), ...retry, ...(d.badCredentials === true && { badCredentials: true }) };
    }
    return this.fallback(g, 'GATE_FAILED', 'answered neither {allow: true} nor {allow: false, reason}');
  }

  private fallback(g: GateEntry, code: 'GATE_TIMEOUT' | 'GATE_FAILED', why: string): Answer {
    this.count(g, code === 'GATE_TIMEOUT' ? 'timeout' : 'error');
    if (g.onError === 'allow') {
      this.d.log.warn(`gate ${g.id} ${why}; its onError is "allow", so the chain goes on`);
      return { allow: true };
    }
    return { allow: false, code, gate: g.id, reason: `${why} (a gate that cannot decide refuses)` };
  }

  private count(g: GateEntry, answer: string): void {
    this.answers?.inc({ gate: g.id, action: [...g.actions].join('+'), answer });
  }

  private badPath(path: string): string | undefined {
    try {
      this.d.streams.parsePath(path);
      return undefined;
    } catch (err) {
      return describeError(err);
    }
  }
}

/** A reason fit for an encoder's console, a log line and an event: one line, bounded. */
export function cleanReason(reason: unknown): string {
  const text = typeof reason === 'string' && reason.trim() !== '' ? reason : 'refused';
  // eslint-disable-next-line no-control-regex
  const one = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return one.length > MAX_GATE_REASON ? `${one.slice(0, MAX_GATE_REASON - 1)}…` : one;
}

/** `<address>:<port>` → the address (IPv4-mapped IPv6 as IPv4). */
export function ipOf(remote: string): string {
  const m = /^\[?(.*?)\]?:(\d{1,5})$/.exec(remote);
  const host = m && isIP(m[1]!) ? m[1]! : remote.slice(0, 64);
  return host.startsWith('::ffff:') && isIP(host.slice(7)) === 4 ? host.slice(7) : host;
}
