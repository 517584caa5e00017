import { randomBytes } from 'node:crypto';
import type { EventsApi, PluginDatabase } from 'xlive/sdk';
import { AccountService } from './account-service.js';
import { AttemptLimiter } from './attempt-limiter.js';
import { AuditLog } from './audit-log.js';
import type { BoxKeys } from './box-secret.js';
import type { AuthLocalConfig } from './config.js';
import { LocalAuthProvider } from './local-auth-provider.js';
import { LockoutLimiter } from './lockout-limiter.js';
import type { ScryptParams } from './password-hash.js';
import { PasswordWorkQueue, scryptHasher, type PasswordHasher } from './password-work-queue.js';
import type { SetupCode } from './setup-code.js';
import { SessionStore } from './session-store.js';
import { StreamGate } from './stream-gate.js';
import { StreamKeyStore, type ParsePath } from './stream-key-store.js';
import { StreamProtection } from './stream-protection.js';
import { TokenStore } from './token-store.js';
import { UserRepository } from './user-repository.js';

export interface AuthServices {
  config: AuthLocalConfig;
  boxKeys: BoxKeys;
  users: UserRepository;
  sessions: SessionStore;
  tokens: TokenStore;
  streamKeys: StreamKeyStore;
  protection: StreamProtection;
  audit: AuditLog;
  lockouts: LockoutLimiter;
  accounts: AccountService;
  gate: StreamGate;
  provider: LocalAuthProvider;
  hashing: PasswordWorkQueue;
  setupCode: SetupCode | undefined;
}

export interface AuthServicesOptions {
  /** The plugin's database, migrated with AUTH_LOCAL_MIGRATIONS. */
  db: PluginDatabase;
  config: AuthLocalConfig;
  boxKeys: BoxKeys;
  events: Pick<EventsApi, 'record'>;
  parsePath: ParsePath;
  now?: () => number;
  delay?: (ms: number) => Promise<void>;
  scrypt?: ScryptParams;
  /** The real hashing under the bounded queue (tests inject a counting one). */
  hasher?: PasswordHasher;
  /** Hashing queue changes and refusals (metrics). */
  onHashing?: (running: number, queued: number) => void;
  onHashRefused?: () => void;
  setupCode?: SetupCode;
  /** End a stream's viewers (protection turned on); they come back with a playback link. */
  endViewers?: (path: string, reason: string) => number;
  /** Refusals, for metrics: `login`/`setup`/`publish` × `failed`/`denied`/`rate-limited`. */
  onRefused?: (what: 'login' | 'setup' | 'publish', reason: string) => void;
}

const MINUTE = 60_000;

/** Wire every part of the plugin over one database: what `setup` registers, and what tests drive. */
export function createAuthServices(o: AuthServicesOptions): AuthServices {
  const { db, config } = o;
  const now = o.now ?? Date.now;
  const users = new UserRepository(db, now);
  const audit = new AuditLog(db, config.auditMaxRows, now);
  const sessions = new SessionStore(db, { ttlMs: config.sessionTtlHours * 3_600_000, maxPerUser: config.maxSessionsPerUser, csrfKey: o.boxKeys.csrf, now });
  const lockouts = new LockoutLimiter(
    db,
    {
      windowMs: config.lockout.windowSeconds * 1000,
      baseMs: config.lockout.baseSeconds * 1000,
      maxMs: config.lockout.maxSeconds * 1000,
      forgetAfterMs: config.lockout.forgetAfterSeconds * 1000,
    },
    now,
  );
  const tokens = new TokenStore(db, o.boxKeys.jwt, (id) => users.get(id), now);
  const hashing = new PasswordWorkQueue({
    concurrency: config.hashConcurrency,
    maxQueue: config.hashQueueMax,
    inner: o.hasher ?? scryptHasher(o.scrypt),
    ...(o.onHashing && { onChange: o.onHashing }),
    ...(o.onHashRefused && { onRefused: o.onHashRefused }),
  });
  const streamKeys = new StreamKeyStore(db, o.parsePath, now);
  const accounts = new AccountService({
    db,
    users,
    sessions,
    lockouts,
    audit,
    config,
    hasher: hashing,
    onUserDeleted: (id) => tokens.revokeAllBy(id),
    ...(o.setupCode && { setupCode: o.setupCode }),
    ...(o.delay && { delay: o.delay }),
    ...(o.onRefused && { onRefused: o.onRefused }),
  });
  const gate = new StreamGate({
    keys: streamKeys,
    audit,
    publishAuth: config.publishAuth,
    playbackKey: o.boxKeys.playback,
    attempts: new AttemptLimiter({ points: config.publishAttemptsPerMinute, windowMs: MINUTE, now }),
    failures: new AttemptLimiter({ points: config.publishFailuresBeforeBlock, windowMs: 10 * MINUTE, blockMs: config.publishBlockSeconds * 1000, now }),
    viewFailures: new AttemptLimiter({ points: config.viewFailuresBeforeBlock, windowMs: 10 * MINUTE, blockMs: 10 * MINUTE, now }),
    now,
    ...(o.onRefused && { onRefused: (reason: string) => o.onRefused?.('publish', reason) }),
  });
  const protection = new StreamProtection({ keys: streamKeys, audit, ...(o.endViewers && { endViewers: o.endViewers }) });
  const provider = new LocalAuthProvider({ users, sessions, tokens, accounts, gate, audit, protection, links: { key: o.boxKeys.playback, streamKeys, now } });
  return { config, boxKeys: o.boxKeys, users, sessions, tokens, streamKeys, protection, audit, lockouts, accounts, gate, provider, hashing, setupCode: o.setupCode };
}

/**
 * Only the account part, for the console (`xlive admin`): it needs no box secret (session rows are
 * only revoked, never issued, so the CSRF key is a throwaway).
 */
export function createConsoleAccounts(db: PluginDatabase, config: AuthLocalConfig): AccountService {
  const users = new UserRepository(db);
  const audit = new AuditLog(db, config.auditMaxRows);
  const sessions = new SessionStore(db, { ttlMs: 1, maxPerUser: config.maxSessionsPerUser, csrfKey: randomBytes(32) });
  const lockouts = new LockoutLimiter(db, { windowMs: 1, baseMs: 1, maxMs: 1, forgetAfterMs: 1 });
  const tokens = new TokenStore(db, randomBytes(32), (id) => users.get(id));
  return new AccountService({ db, users, sessions, lockouts, audit, config, delay: () => Promise.resolve(), onUserDeleted: (id) => tokens.revokeAllBy(id) });
}
