import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { isIP } from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { HostNotAllowedError } from '../errors/xlive-error.js';

export interface BoxNamesOptions {
  /** Configured public names (`http.publicNames`): DNS names or addresses a browser uses to reach the box. */
  publicNames: readonly string[];
  hostname?: () => string;
  interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]>;
  now?: () => number;
  /** Interface addresses change (DHCP); they are re-read at most this often. */
  cacheMs?: number;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

/**
 * The names and addresses this box answers to: configured public names, the host name and its mDNS
 * `.local` name, the interface addresses and loopback. Lower-case; IPv6 without brackets.
 */
export class BoxNames {
  private cached: { at: number; list: readonly string[]; set: ReadonlySet<string> } | undefined;
  private readonly now: () => number;

  constructor(private readonly o: BoxNamesOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Best first: public names, non-loopback addresses (IPv4 first), `<host>.local`, the host name, loopback. */
  list(): readonly string[] {
    return this.load().list;
  }

  has(host: string): boolean {
    return this.load().set.has(normalizeHost(host));
  }

  private load(): { list: readonly string[]; set: ReadonlySet<string> } {
    const t = this.now();
    if (this.cached && t - this.cached.at < (this.o.cacheMs ?? 10_000)) return this.cached;
    const host = (this.o.hostname ?? osHostname)().toLowerCase();
    const addrs = Object.values((this.o.interfaces ?? networkInterfaces)())
      .flatMap((l) => l ?? [])
      .filter((a) => !a.internal)
      .sort((a, b) => (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1))
      .map((a) => a.address.toLowerCase().replace(/%.*$/, ''));
    const names = [...this.o.publicNames.map(normalizeHost), ...addrs, ...(host ? [host.endsWith('.local') ? host : `${host}.local`, host] : []), ...LOOPBACK];
    const list = Object.freeze([...new Set(names.filter(Boolean))]);
    this.cached = { at: t, list, set: new Set(list) };
    return this.cached;
  }
}

/** `Host`-header form to a bare, lower-case host: port and IPv6 brackets dropped, trailing dot dropped. */
export function normalizeHost(value: string): string {
  let v = value.trim().toLowerCase();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    v = end > 0 ? v.slice(1, end) : v;
  } else if (isIP(v) !== 6) {
    v = v.replace(/:\d*$/, '');
  }
  return v.replace(/\.$/, '');
}

/**
 * DNS-rebinding and cross-site guard: the request's `Host` (or `X-Forwarded-Host` behind a trusted
 * proxy) and, when sent, its `Origin` must name this box. Applied to every request that presents a
 * session cookie and to routes marked `sameOrigin` (setup, login).
 */
export class HostCheck {
  constructor(
    private readonly names: BoxNames,
    private readonly trustProxy: boolean,
  ) {}

  assert(c: Context): void {
    const forwarded = this.trustProxy ? c.req.header('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
    const host = forwarded || c.req.header('host') || '';
    if (!this.names.has(host)) {
      throw new HostNotAllowedError(`this box does not answer to the host name ${JSON.stringify(host.slice(0, 100))}; use its own name or address, or add the name to http.publicNames`, {
        details: { host: host.slice(0, 100) },
      });
    }
    const origin = c.req.header('origin');
    if (origin === undefined) return;
    let originHost = '';
    try {
      originHost = origin === 'null' ? '' : new URL(origin).host;
    } catch {
      originHost = '';
    }
    if (!originHost || !this.names.has(originHost)) {
      throw new HostNotAllowedError(`requests from the page ${JSON.stringify(origin.slice(0, 100))} are not accepted; open the panel on the box's own address`, {
        details: { origin: origin.slice(0, 100) },
      });
    }
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      this.assert(c);
      return next();
    };
  }
}
