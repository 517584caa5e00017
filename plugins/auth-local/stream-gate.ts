import { isIP } from 'node:net';
import { AuthenticationError, maskStreamName, RateLimitedError, type Credentials, type Principal } from 'xlive/sdk';
import type { AttemptLimiter } from './attempt-limiter.js';
import type { AuditLog } from './audit-log.js';
import { verifyPlaybackToken } from './playback-token.js';
import type { StreamKeyStore } from './stream-key-store.js';

type StreamCredentials = Extract<Credentials, { type: 'stream' }>;

export interface StreamGateDeps {
  keys: StreamKeyStore;
  audit: AuditLog;
  publishAuth: 'key' | 'open';
  playbackKey: Uint8Array;
  /** All publish attempts per IP (points per minute). */
  attempts: AttemptLimiter;
  /** Refused publishes per IP; blocks the IP's publishing when used up. */
  failures: AttemptLimiter;
  /** Wrong `?key=`/`?token=` on playback per IP: a separate budget, so viewing never blocks publishing. */
  viewFailures?: AttemptLimiter;
  now?: () => number;
  /** Called for each refused publish (metrics). */
  onRefused?: (reason: 'denied' | 'rate-limited') => void;
}

/** Stream names that may be keys are shown only as a fingerprint in logs, audit and events. */
export function maskName(name: string): string {
  return maskStreamName(name);
}

/**
 * The client IP of a protocol plugin's `remote` (`<address>:<port>`, as RTMP and HTTP-FLV report it),
 * so per-IP limits count the machine, not the connection. IPv4-mapped IPv6 is shown as IPv4.
 */
export function hostOf(remote: string | undefined): string {
  if (!remote) return 'unknown';
  const m = /^(.*):(\d{1,5})$/.exec(remote);
  const host = m && isIP(m[1]!) ? m[1]! : remote;
  return host.startsWith('::ffff:') && isIP(host.slice(7)) === 4 ? host.slice(7) : host.slice(0, 64);
}

function maskPath(app: string, name: string): string {
  return `${app}/${maskName(name)}`;
}

/**
 * Publish and play decisions for `stream` credentials:
 * - `rtmp://box/live/<key>` (OBS) or `rtmp://box/live/stage?key=<key>` → a `stream` principal allowed to
 *   publish `live/stage` (and read it);
 * - `?token=<playback token>` on a protected stream → a `stream` principal allowed to read it;
 * - anything else → an anonymous principal: may read unprotected streams, may publish only when the
 *   policy is `open`.
 * Refused publishes are audited and counted per IP (the gate chain records the `stream.publish.refused`
 * event with the reason); too many attempts or refusals from one IP are refused with RateLimitedError.
 */
export class StreamGate {
  /** Where each principal this gate issued came from (for audit and per-IP limits in `authorize`). */
  private readonly remotes = new WeakMap<Principal, string>();
  private readonly now: () => number;

  constructor(private readonly d: StreamGateDeps) {
    this.now = d.now ?? Date.now;
  }

  /** A config change applied live: publishes decided from now on follow `mode`; running ones go on. */
  setPublishAuth(mode: 'key' | 'open'): void {
    this.d.publishAuth = mode;
  }

  /** The publish policy in effect. */
  get publishAuth(): 'key' | 'open' {
    return this.d.publishAuth;
  }

  authenticate(c: StreamCredentials): Principal {
    const ip = hostOf(c.remote);
    const path = `${c.app}/${c.name}`;
    const viewing = c.action === 'read';
    const key = c.query['key'];
    if (key !== undefined) {
      this.assertNotBlocked(ip, viewing);
      if (this.d.keys.verify(path, key)) return this.issue(publisher(path), ip);
      if (viewing) this.refuseView(ip, maskPath(c.app, c.name), 'wrong stream key');
      else this.refuse(ip, maskPath(c.app, c.name), 'wrong stream key');
      throw new AuthenticationError(`wrong stream key for ${maskPath(c.app, c.name)}`);
    }
    const byKey = this.d.keys.findByKey(c.name);
    if (byKey && byKey.app === c.app) return this.issue(publisher(byKey.path), ip);
    if (byKey) {
      // A valid key on the wrong app: refused, and only its fingerprint is ever shown.
      this.assertNotBlocked(ip, viewing);
      const reason = `a stream key (fingerprint ${byKey.fingerprint}) was sent on app ${JSON.stringify(c.app.slice(0, 64))}, not its own`;
      if (viewing) this.refuseView(ip, maskPath(c.app, c.name), reason);
      else this.refuse(ip, maskPath(c.app, c.name), reason);
      throw new AuthenticationError(`${reason}; use the server URL shown with the key`);
    }
    const token = c.query['token'];
    const stream = token === undefined ? undefined : this.d.keys.get(path);
    if (token !== undefined && stream?.protected) {
      this.assertNotBlocked(ip, true);
      if (!verifyPlaybackToken(this.d.playbackKey, token, path, Math.floor(this.now() / 1000), stream.playbackEpoch)) {
        this.refuseView(ip, path, 'invalid, expired or revoked playback token');
        throw new AuthenticationError(`playback token for ${path} is invalid, expired or revoked`);
      }
      return this.issue({ id: `playback:${path}`, kind: 'stream', scopes: ['read'], streamPath: path, display: `playback token for ${path}` }, ip);
    }
    return this.issue({ id: 'anonymous', kind: 'anonymous', scopes: [], display: `anonymous (${ip})` }, ip);
  }

  /** Decide `publish`/`read` on `stream:<path>`; undefined for other actions. */
  authorize(p: Principal, path: string, action: string): boolean | undefined {
    if (action === 'publish') return this.mayPublish(p, path);
    if (action === 'read') return this.mayRead(p, path);
    return undefined;
  }

  private mayPublish(p: Principal, path: string): boolean {
    const ip = this.remotes.get(p) ?? 'unknown';
    this.assertNotBlocked(ip, false);
    const attempt = this.d.attempts.consume(ip);
    if (!attempt.ok) {
      this.d.onRefused?.('rate-limited');
      throw new RateLimitedError(`too many publish attempts from ${ip}; try again in ${Math.ceil(attempt.retryAfterMs / 1000)} s`, attempt.retryAfterMs / 1000);
    }
    if (p.kind === 'stream' && p.streamPath === path && p.scopes.includes('publish')) return true;
    if (this.d.publishAuth === 'open') return true;
    const [app = '', name = ''] = path.split('/');
    this.refuse(ip, maskPath(app, name), p.kind === 'stream' ? `its key belongs to ${p.streamPath}` : 'no valid stream key');
    return false;
  }

  private mayRead(p: Principal, path: string): boolean {
    if (!this.d.keys.get(path)?.protected) return true;
    if (p.kind === 'stream' && p.streamPath === path) return true;
    return (p.kind === 'user' || p.kind === 'token') && p.scopes.includes('streams:read');
  }

  private issue(p: Principal, ip: string): Principal {
    this.remotes.set(p, ip);
    return p;
  }

  /** Publishing and credentialed viewing have separate budgets: wrong playback links never block an encoder. */
  private assertNotBlocked(ip: string, viewing: boolean): void {
    const limiter = viewing ? this.d.viewFailures : this.d.failures;
    const ms = limiter?.blockedFor(ip) ?? 0;
    if (ms > 0) this.d.onRefused?.('rate-limited');
    if (ms > 0) throw new RateLimitedError(`${viewing ? 'playback with a key or token' : 'publishing'} from ${ip} is blocked for ${Math.ceil(ms / 1000)} s after refused attempts`, ms / 1000);
  }

  /** A wrong key or playback token on a play request: counted against the viewing budget only. */
  private refuseView(ip: string, shownPath: string, reason: string): void {
    const r = this.d.viewFailures?.consume(ip);
    if (r && !r.ok && r.blockedNow) {
      this.d.audit.record({ actor: 'anonymous', ip, action: 'play.blocked', detail: { stream: shownPath, reason, seconds: Math.ceil(r.retryAfterMs / 1000) } });
    }
  }

  private refuse(ip: string, shownPath: string, reason: string): void {
    this.d.onRefused?.('denied');
    this.d.audit.record({ actor: 'anonymous', ip, action: 'publish.refused', detail: { stream: shownPath, reason } });
    const r = this.d.failures.consume(ip);
    if (!r.ok && r.blockedNow) {
      this.d.audit.record({ actor: 'anonymous', ip, action: 'publish.blocked', detail: { seconds: Math.ceil(r.retryAfterMs / 1000) } });
    }
  }
}

function publisher(path: string): Principal {
  return { id: `stream:${path}`, kind: 'stream', scopes: ['publish', 'read'], streamPath: path, display: `stream key of ${path}` };
}
