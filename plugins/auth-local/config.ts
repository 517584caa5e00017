/**
 * The plugin's configuration (`plugins["auth-local"]`). The JSON Schema with the same defaults is in
 * package.json (the host validates and fills it); `withDefaults` fills a partial object for tests
 * and tools that build the services without the host.
 */
export interface LockoutConfig {
  /** Failed logins per username within the window before a lockout. */
  userFailures: number;
  /** Failed logins per client IP within the window before a lockout. */
  ipFailures: number;
  windowSeconds: number;
  /** First lockout; each further one doubles, up to `maxSeconds`. */
  baseSeconds: number;
  maxSeconds: number;
  /** The doubling starts over after this long without a failure. */
  forgetAfterSeconds: number;
  /** Past `userFailures` failures of one username from all sources, each attempt waits this · 2^(n-1) ms… */
  slowdownStepMs: number;
  /** …at most this long (0: no slow-down). Never a lockout. */
  slowdownMaxMs: number;
}

export interface AuthLocalConfig {
  publishAuth: 'key' | 'open';
  sessionTtlHours: number;
  maxSessionsPerUser: number;
  passwordMinLength: number;
  trustProxy: boolean;
  rtmpUrl: string;
  lockout: LockoutConfig;
  failureDelayMinMs: number;
  failureDelayMaxMs: number;
  publishAttemptsPerMinute: number;
  publishFailuresBeforeBlock: number;
  publishBlockSeconds: number;
  playbackTokenTtlSeconds: number;
  auditMaxRows: number;
  /** scrypt runs at once (login, setup, password changes) and how many may wait; beyond: 429 at once. */
  hashConcurrency: number;
  hashQueueMax: number;
  /** The first-boot setup code file (default `<plugin data dir>/setup-code`); setup needs the code when it exists. */
  setupCodeFile: string;
  /** Wrong `?key=`/`?token=` on playback per client IP within 10 minutes before that IP's credentialed plays are refused for 10 minutes (separate from publishing). */
  viewFailuresBeforeBlock: number;
}

export const DEFAULT_CONFIG: Readonly<AuthLocalConfig> = Object.freeze({
  publishAuth: 'key',
  sessionTtlHours: 12,
  maxSessionsPerUser: 20,
  passwordMinLength: 10,
  trustProxy: false,
  rtmpUrl: '',
  lockout: Object.freeze({ userFailures: 5, ipFailures: 20, windowSeconds: 900, baseSeconds: 60, maxSeconds: 3600, forgetAfterSeconds: 86_400, slowdownStepMs: 500, slowdownMaxMs: 5000 }),
  failureDelayMinMs: 250,
  failureDelayMaxMs: 1000,
  publishAttemptsPerMinute: 30,
  publishFailuresBeforeBlock: 10,
  publishBlockSeconds: 600,
  playbackTokenTtlSeconds: 21_600,
  auditMaxRows: 20_000,
  hashConcurrency: 2,
  hashQueueMax: 16,
  setupCodeFile: '',
  viewFailuresBeforeBlock: 100,
});

export type PartialConfig = Partial<Omit<AuthLocalConfig, 'lockout'>> & { lockout?: Partial<LockoutConfig> };

export function withDefaults(partial: PartialConfig = {}): AuthLocalConfig {
  return { ...DEFAULT_CONFIG, ...partial, lockout: { ...DEFAULT_CONFIG.lockout, ...(partial.lockout ?? {}) } };
}
