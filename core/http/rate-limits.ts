import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors/xlive-error.js';
import { clientIp } from './client-ip.js';

export interface RateLimitOptions {
  /** API requests per IP per minute. */
  apiPerIpPerMinute: number;
  /** API requests per bearer token per minute. */
  apiPerTokenPerMinute: number;
  /** Media (HLS/FLV) requests per IP per minute: a whole venue behind one NAT stays under it. */
  mediaPerIpPerMinute: number;
  trustProxy: boolean;
  /** Called on every rejection (metrics). */
  onReject?(bucket: 'api-ip' | 'api-token' | 'media-ip'): void;
}

/** In-memory limits (rate-limiter-flexible), bounded by its own key expiry. Login limits live in the auth plugin. */
export class HttpRateLimits {
  private readonly apiIp: RateLimiterMemory;
  private readonly apiToken: RateLimiterMemory;
  private readonly mediaIp: RateLimiterMemory;

  constructor(private readonly o: RateLimitOptions) {
    this.apiIp = new RateLimiterMemory({ points: o.apiPerIpPerMinute, duration: 60 });
    this.apiToken = new RateLimiterMemory({ points: o.apiPerTokenPerMinute, duration: 60 });
    this.mediaIp = new RateLimiterMemory({ points: o.mediaPerIpPerMinute, duration: 60 });
  }

  /** New rates (a config change applied live); what each client used in the current minute still counts. */
  setRates(rates: Pick<RateLimitOptions, 'apiPerIpPerMinute' | 'apiPerTokenPerMinute' | 'mediaPerIpPerMinute'>): void {
    this.apiIp.points = rates.apiPerIpPerMinute;
    this.apiToken.points = rates.apiPerTokenPerMinute;
    this.mediaIp.points = rates.mediaPerIpPerMinute;
  }

  api(): MiddlewareHandler {
    return async (c, next) => {
      await this.consume(this.apiIp, clientIp(c, this.o.trustProxy), 'api-ip');
      const authz = c.req.header('authorization');
      if (authz) await this.consume(this.apiToken, authz.slice(-64), 'api-token');
      return next();
    };
  }

  media(): MiddlewareHandler {
    return async (c, next) => {
      await this.consume(this.mediaIp, clientIp(c, this.o.trustProxy), 'media-ip');
      return next();
    };
  }

  private async consume(limiter: RateLimiterMemory, key: string, bucket: 'api-ip' | 'api-token' | 'media-ip'): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      this.o.onReject?.(bucket);
      throw new RateLimitedError(`too many requests; try again in ${Math.ceil(res.msBeforeNext / 1000)} s`, res.msBeforeNext / 1000);
    }
  }
}
