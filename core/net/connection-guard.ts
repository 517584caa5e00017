/**
 * Connection admission for one listener (HTTP, RTMP, any plugin listener). Every accepted socket is
 * admitted as *idle* (no request yet, keep-alive idle, RTMP before publish/play); the protocol marks
 * it *established* once it carries an authorised session and idle again when that ends.
 *
 * - Idle sockets have their own small budget, per address and in total. When it is full the OLDEST
 *   idle socket is closed to make room: a newcomer is never refused, so a flood cannot pin the slots,
 *   and one address only ever churns its own idle slots (its per-address idle cap is below the total).
 * - Established sockets may use `maxTotal - maxIdleTotal - reserved` slots (and `maxPerIp` per
 *   address); `priority` sessions (publisher with a valid key, sign-in, health) may also take the
 *   `reserved` ones (and a few beyond the address's cap). Established sockets are never evicted.
 * So the listener never holds more than `maxTotal` sockets, and there is always an idle slot for
 * the next client.
 */
import { ConfigError } from '../errors/xlive-error.js';
import type { ConnectionLimits, EstablishResult } from '../sdk/net.js';

export type { ConnectionLimits } from '../sdk/net.js';

/** Why a socket was closed or a session refused (the `reason` label of the refusal metric). */
export type RefusalReason = 'idle-per-ip' | 'idle-total' | 'per-ip' | 'total';

export interface RefusalSink {
  /** A socket evicted (`idle-*`) or a session refused (`per-ip`, `total`). */
  refused(listener: string, reason: RefusalReason, clientKey: string, limit: number): void;
}

export type AdmissionState = 'idle' | 'established' | 'closed';

/** One admitted socket, as the guard tracks it. */
export class Admission {
  state: AdmissionState = 'idle';
  constructor(
    private readonly guard: ConnectionGuard,
    readonly clientKey: string,
    /** Close the socket (the guard evicted it). */
    readonly evict: (reason: RefusalReason) => void,
  ) {}

  establish(options: { priority?: boolean } = {}): EstablishResult {
    return this.guard.establish(this, options.priority === true);
  }

  idle(): void {
    this.guard.toIdle(this);
  }

  /** The socket closed: free its slot (idempotent). */
  release(): void {
    this.guard.release(this);
  }
}

interface Client {
  idle: Set<Admission>;
  established: number;
}

export function validateLimits(name: string, l: ConnectionLimits): void {
  for (const [k, v] of Object.entries(l)) {
    if (!Number.isInteger(v) || v < (k === 'reserved' ? 0 : 1)) throw new ConfigError(`${name}: connection limit ${k} must be a positive integer (got ${v})`);
  }
  if (l.maxIdleTotal + l.reserved >= l.maxTotal) {
    throw new ConfigError(`${name}: maxIdleTotal (${l.maxIdleTotal}) + reserved (${l.reserved}) must be below maxTotal (${l.maxTotal}) to leave slots for established connections`);
  }
  if (l.maxIdlePerIp > l.maxIdleTotal) throw new ConfigError(`${name}: maxIdlePerIp (${l.maxIdlePerIp}) must not exceed maxIdleTotal (${l.maxIdleTotal})`);
}

export class ConnectionGuard {
  /** Every idle admission, oldest first (Set keeps insertion order). */
  private readonly idleAll = new Set<Admission>();
  private readonly clients = new Map<string, Client>();
  private establishedCount = 0;

  private current: ConnectionLimits;

  constructor(
    readonly name: string,
    limits: ConnectionLimits,
    private readonly sink: RefusalSink,
  ) {
    validateLimits(name, limits);
    this.current = limits;
  }

  get limits(): ConnectionLimits {
    return this.current;
  }

  /**
   * New caps (a config change applied live; see ListenerGuards.resize). They decide admissions from
   * now on; connections already over a lower cap are not closed for it.
   */
  setLimits(limits: ConnectionLimits): void {
    validateLimits(this.name, limits);
    this.current = limits;
  }

  /** Established slots for ordinary sessions; priority ones may use `reserved` more. */
  get establishedBudget(): number {
    return this.limits.maxTotal - this.limits.maxIdleTotal - this.limits.reserved;
  }

  /** Extra established slots a priority session may take beyond its address's `maxPerIp`. */
  get priorityPerIp(): number {
    return Math.max(1, Math.ceil(this.limits.reserved / 4));
  }

  counts(): { idle: number; established: number } {
    return { idle: this.idleAll.size, established: this.establishedCount };
  }

  /** Admit a new socket as idle; never refuses, but may evict older idle sockets. */
  admit(clientKey: string, evict: (reason: RefusalReason) => void): Admission {
    const a = new Admission(this, clientKey, evict);
    this.addIdle(a);
    return a;
  }

  establish(a: Admission, priority: boolean): EstablishResult {
    if (a.state === 'established') return { ok: true };
    if (a.state === 'closed') return { ok: false, reason: 'connection already closed' };
    const client = this.clients.get(a.clientKey)!;
    const l = this.limits;
    const perIp = l.maxPerIp + (priority ? this.priorityPerIp : 0);
    if (client.established >= perIp) {
      this.sink.refused(this.name, 'per-ip', a.clientKey, l.maxPerIp);
      return { ok: false, reason: `${client.established} connections from this address are already in use (limit ${l.maxPerIp} per address)` };
    }
    const total = this.establishedBudget + (priority ? l.reserved : 0);
    if (this.establishedCount >= total) {
      this.sink.refused(this.name, 'total', a.clientKey, this.establishedBudget);
      return { ok: false, reason: `the server is at its connection limit (${this.establishedCount} in use)` };
    }
    client.idle.delete(a);
    this.idleAll.delete(a);
    client.established++;
    this.establishedCount++;
    a.state = 'established';
    return { ok: true };
  }

  toIdle(a: Admission): void {
    if (a.state !== 'established') return;
    const client = this.clients.get(a.clientKey)!;
    client.established--;
    this.establishedCount--;
    a.state = 'idle';
    this.addIdle(a, client);
  }

  release(a: Admission): void {
    if (a.state === 'closed') return;
    const client = this.clients.get(a.clientKey)!;
    if (a.state === 'established') {
      client.established--;
      this.establishedCount--;
    } else {
      client.idle.delete(a);
      this.idleAll.delete(a);
    }
    a.state = 'closed';
    if (client.established === 0 && client.idle.size === 0) this.clients.delete(a.clientKey);
  }

  /** Add `a` as the newest idle socket, evicting the oldest idle ones beyond the caps. */
  private addIdle(a: Admission, known?: Client): void {
    let client = known ?? this.clients.get(a.clientKey);
    if (!client) {
      client = { idle: new Set(), established: 0 };
      this.clients.set(a.clientKey, client);
    }
    const l = this.limits;
    while (client.idle.size >= l.maxIdlePerIp) this.evictOldest(client.idle.values().next().value!, 'idle-per-ip', l.maxIdlePerIp);
    while (this.idleAll.size >= l.maxIdleTotal) this.evictOldest(this.idleAll.values().next().value!, 'idle-total', l.maxIdleTotal);
    // The evictions may have emptied and dropped this client's record: put it back.
    if (!this.clients.has(a.clientKey)) this.clients.set(a.clientKey, client);
    client.idle.add(a);
    this.idleAll.add(a);
  }

  private evictOldest(victim: Admission, reason: RefusalReason, limit: number): void {
    this.release(victim);
    this.sink.refused(this.name, reason, victim.clientKey, limit);
    victim.evict(reason);
  }
}
