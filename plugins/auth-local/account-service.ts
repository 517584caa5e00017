import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthenticationError, ConflictError, RateLimitedError, ValidationError, type PluginDatabase } from 'xlive/sdk';
import type { AuditLog } from './audit-log.js';
import type { AuthLocalConfig } from './config.js';
import type { AttemptResult, LockoutLimiter } from './lockout-limiter.js';
import { MAX_PASSWORD_BYTES, parsePasswordHash, type ScryptParams } from './password-hash.js';
import { scryptHasher, type PasswordHasher } from './password-work-queue.js';
import { assertHolds, scopesForRole, type Role } from './roles.js';
import type { SetupCode } from './setup-code.js';
import type { SessionStore } from './session-store.js';
import { parseUsername, type UserRecord, type UserRepository } from './user-repository.js';

export interface AccountServiceDeps {
  db: PluginDatabase;
  users: UserRepository;
  sessions: SessionStore;
  lockouts: LockoutLimiter;
  audit: AuditLog;
  config: Pick<AuthLocalConfig, 'passwordMinLength' | 'lockout' | 'failureDelayMinMs' | 'failureDelayMaxMs'>;
  scrypt?: ScryptParams;
  /** Password hashing (the box's bounded queue); default: scrypt with `scrypt`, unbounded. */
  hasher?: PasswordHasher;
  /** The optional first-boot setup code (a file the installer writes). */
  setupCode?: Pick<SetupCode, 'check'>;
  /** A user was deleted: end what they created (their API tokens). */
  onUserDeleted?: (userId: number) => void;
  /** The random delay after a failed login or setup (injected in tests). */
  delay?: (ms: number) => Promise<void>;
  /** Called for each refusal (metrics): a wrong password, or an attempt refused by a lockout. */
  onRefused?: (what: 'login' | 'setup', reason: 'failed' | 'rate-limited') => void;
}

export interface LoginResult {
  user: UserRecord;
  session: { id: string; expiresAt: number };
}

const SETUP_DONE = 'setup_done';

/**
 * Accounts: first-boot setup, login (with persistent lockouts and a random delay on failure), user
 * management and the console's create/reset. Every outcome is audited.
 */
export class AccountService {
  private dummyHash: Promise<string> | undefined;
  private readonly hasher: PasswordHasher;

  constructor(private readonly d: AccountServiceDeps) {
    this.hasher = d.hasher ?? scryptHasher(d.scrypt);
  }

  /** Setup is open until the first admin exists; then closed for good (a marker row, kept even if admins are deleted). */
  isSetupOpen(): boolean {
    const row = this.d.db.prepare('SELECT value FROM auth_local_meta WHERE key = ?').get(SETUP_DONE);
    return row === undefined && this.d.users.countActiveAdmins() === 0;
  }

  /** `POST /api/v1/setup`: create the one first admin, in a transaction (of two racing calls, one wins). */
  async setup(usernameIn: unknown, passwordIn: unknown, ip: string, setupCodeIn?: unknown): Promise<LoginResult> {
    const name = typeof usernameIn === 'string' ? usernameIn.slice(0, 64) : '';
    this.limit(this.d.lockouts.attempt([this.key('setup-ip', ip, 'ip'), this.key('setup-user', [name.toLowerCase(), ip], 'user')]), 'anonymous', ip, 'setup');
    try {
      if (!this.isSetupOpen()) throw new ConflictError('setup is already done; log in, or use "xlive admin reset-password" on the console');
      this.d.setupCode?.check(setupCodeIn);
      const username = parseUsername(usernameIn);
      const password = this.checkPassword(passwordIn, username);
      const hash = await this.hasher.hash(password);
      const user = this.d.db.transaction(() => {
        if (!this.isSetupOpen()) throw new ConflictError('setup is already done');
        const u = this.d.users.create(username, 'admin', hash);
        this.markSetupDone();
        return u;
      });
      this.d.audit.record({ actor: `user:${user.username}`, ip, action: 'setup.done', detail: { username: user.username } });
      return { user, session: this.d.sessions.create(user.id, ip) };
    } catch (err) {
      this.d.onRefused?.('setup', 'failed');
      this.d.audit.record({ actor: 'anonymous', ip, action: 'setup.refused', detail: { username: name, reason: (err as Error).message.slice(0, 200) } });
      await this.failureDelay();
      throw err;
    }
  }

  /** `POST /api/v1/session`: check the password and open a session. */
  async login(usernameIn: unknown, passwordIn: unknown, ip: string): Promise<LoginResult> {
    const user = await this.checkLogin(usernameIn, passwordIn, ip);
    return { user, session: this.d.sessions.create(user.id, ip) };
  }

  /** Check a username and password under the lockouts; audited. Throws AuthenticationError / RateLimitedError. */
  async checkLogin(usernameIn: unknown, passwordIn: unknown, ip: string): Promise<UserRecord> {
    const name = typeof usernameIn === 'string' ? usernameIn.slice(0, 64) : '';
    const password = typeof passwordIn === 'string' && Buffer.byteLength(passwordIn) <= MAX_PASSWORD_BYTES ? passwordIn : '';
    // Lockouts are per (username, source) and per source: a guesser locks only itself out. Across all
    // sources a username only slows down (bounded), so the owner still gets in from a new address.
    const userIpKey = this.key('login-user-ip', [name.toLowerCase(), ip], 'user');
    const ipKey = this.key('login-ip', ip, 'ip');
    const userKey = { key: `login-user:${name.toLowerCase().slice(0, 64)}`, limit: Number.MAX_SAFE_INTEGER };
    this.limit(this.d.lockouts.attempt([userIpKey, ipKey, userKey]), 'anonymous', ip, 'login', name);
    let ok: boolean;
    let found: ReturnType<UserRepository['findForLogin']>;
    try {
      await this.slowDown(userKey.key);
      found = name === '' ? undefined : this.d.users.findForLogin(name);
      // Unknown users cost one scrypt too, so timing does not tell which names exist.
      ok = await this.hasher.verify(password, found?.passwordHash ?? (await this.dummy()));
    } catch (err) {
      // Refused before any password was checked (the hashing queue is full): the attempt does not count.
      for (const k of [userIpKey.key, ipKey.key, userKey.key]) this.d.lockouts.refund(k);
      throw err;
    }
    if (!found || !ok || found.user.disabled) {
      const reason = !found ? 'unknown user' : !ok ? 'wrong password' : 'account disabled';
      this.d.audit.record({ actor: 'anonymous', ip, action: 'login.failed', detail: { username: name, reason } });
      this.d.onRefused?.('login', 'failed');
      await this.failureDelay();
      throw new AuthenticationError('wrong username or password');
    }
    this.d.lockouts.reset(userIpKey.key);
    this.d.lockouts.refund(ipKey.key);
    this.d.lockouts.refund(userKey.key);
    this.d.audit.record({ actor: `user:${found.user.username}`, ip, action: 'login.ok', detail: {} });
    return found.user;
  }

  /** `actorScopes`: what the caller holds; nobody creates a user with a role beyond that. */
  async createUser(actor: string, ip: string | undefined, input: { username: unknown; password: unknown; role: Role }, actorScopes: readonly string[]): Promise<UserRecord> {
    assertHolds(actorScopes, scopesForRole(input.role), `create a user with the role "${input.role}"`);
    const username = parseUsername(input.username);
    const password = this.checkPassword(input.password, username);
    const user = this.d.users.create(username, input.role, await this.hasher.hash(password));
    this.d.audit.record({ actor, ip, action: 'user.created', detail: { username, role: input.role } });
    return user;
  }

  /**
   * Change role, password or disabled flag; the user's sessions are revoked (and a new password lifts
   * the sign-in lockouts of that name). The last active admin stays.
   * Nobody changes a user who holds more than they do (that would take the account over), nor gives
   * a role beyond their own scopes.
   */
  async updateUser(actor: string, ip: string | undefined, id: number, change: { role?: Role; password?: unknown; disabled?: boolean }, actorScopes: readonly string[]): Promise<UserRecord> {
    const before = this.d.users.require(id);
    assertHolds(actorScopes, scopesForRole(before.role), `change the ${before.role} "${before.username}"`);
    if (change.role !== undefined) assertHolds(actorScopes, scopesForRole(change.role), `give the role "${change.role}"`);
    const hash = change.password === undefined ? undefined : await this.hasher.hash(this.checkPassword(change.password, before.username));
    const user = this.d.db.transaction(() => {
      const demotes = before.role === 'admin' && !before.disabled && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
      if (demotes && this.d.users.countActiveAdmins() <= 1) throw new ConflictError(`${before.username} is the last active admin`);
      return this.d.users.update(id, { ...(change.role && { role: change.role }), ...(hash && { passwordHash: hash }), ...(change.disabled !== undefined && { disabled: change.disabled }) });
    });
    const revoked = this.d.sessions.revokeAllFor(id);
    // A new password set by an admin also lifts the sign-in lockouts of that name (as the console's reset does).
    if (hash) this.clearLoginLockouts(user.username);
    const fields = Object.keys(change).filter((k) => (change as Record<string, unknown>)[k] !== undefined);
    this.d.audit.record({ actor, ip, action: 'user.updated', detail: { username: user.username, changed: fields, role: user.role, disabled: user.disabled, sessionsRevoked: revoked } });
    return user;
  }

  deleteUser(actor: string, ip: string | undefined, id: number, actorScopes: readonly string[]): void {
    const user = this.d.users.require(id);
    assertHolds(actorScopes, scopesForRole(user.role), `delete the ${user.role} "${user.username}"`);
    this.d.db.transaction(() => {
      if (user.role === 'admin' && !user.disabled && this.d.users.countActiveAdmins() <= 1) throw new ConflictError(`${user.username} is the last active admin`);
      this.d.sessions.revokeAllFor(id);
      this.d.onUserDeleted?.(id);
      this.d.users.delete(id);
    });
    this.d.audit.record({ actor, ip, action: 'user.deleted', detail: { username: user.username } });
  }

  /** `xlive admin create <name>`: a new admin from the console (closes setup too). */
  async createAdmin(usernameIn: string, password: string): Promise<UserRecord> {
    const username = parseUsername(usernameIn);
    return this.insertAdmin(username, await this.hasher.hash(this.checkPassword(password, username)));
  }

  /**
   * `xlive admin create` with a hash made elsewhere by `xlive admin hash-password` (flash-time
   * provisioning: the password itself never touches the card). The hash must be one this box can verify.
   */
  createAdminWithHash(usernameIn: string, hash: string): UserRecord {
    const username = parseUsername(usernameIn);
    if (!parsePasswordHash(hash)) {
      throw new ValidationError('the password hash is not one "xlive admin hash-password" makes ($scrypt$ln=<n>,r=<r>,p=<p>$<salt>$<hash>, within this box\'s bounds)');
    }
    return this.insertAdmin(username, hash);
  }

  private insertAdmin(username: string, hash: string): UserRecord {
    const user = this.d.db.transaction(() => {
      const u = this.d.users.create(username, 'admin', hash);
      this.markSetupDone();
      return u;
    });
    this.d.audit.record({ actor: 'console', action: 'user.created', detail: { username, role: 'admin' } });
    return user;
  }

  /** `xlive admin reset-password <name>`: new password, sessions revoked, lockouts of that name cleared. */
  async resetPassword(usernameIn: string, password: string): Promise<UserRecord> {
    const username = parseUsername(usernameIn);
    const found = this.d.users.findByName(username);
    if (!found) throw new ValidationError(`no user named ${JSON.stringify(username)}`);
    const hash = await this.hasher.hash(this.checkPassword(password, found.username));
    const user = this.d.users.update(found.id, { passwordHash: hash });
    this.d.sessions.revokeAllFor(user.id);
    this.clearLoginLockouts(user.username);
    this.d.audit.record({ actor: 'console', action: 'user.password-reset', detail: { username: user.username } });
    return user;
  }

  /** Forget the failed sign-ins of a name from every source (a password reset). */
  private clearLoginLockouts(username: string): void {
    this.d.lockouts.reset(`login-user:${username.toLowerCase()}`);
    this.d.lockouts.resetPrefix(`login-user-ip:${username.toLowerCase()}|`);
  }

  checkPassword(v: unknown, username: string): string {
    const min = this.d.config.passwordMinLength;
    if (typeof v !== 'string' || [...v].length < min || Buffer.byteLength(v) > MAX_PASSWORD_BYTES) {
      throw new ValidationError(`a password needs at least ${min} characters (and at most ${MAX_PASSWORD_BYTES} bytes)`);
    }
    if (v.toLowerCase() === username.toLowerCase()) throw new ValidationError('the password must not be the username');
    return v;
  }

  /** A lockout key; `id` parts (a username, an address) are each cut to 64 characters. */
  private key(kind: string, id: string | [string, string], limitOf: 'user' | 'ip'): { key: string; limit: number } {
    const limit = limitOf === 'user' ? this.d.config.lockout.userFailures : this.d.config.lockout.ipFailures;
    const shown = typeof id === 'string' ? id.slice(0, 64) : `${id[0].slice(0, 64)}|${id[1].slice(0, 64)}`;
    return { key: `${kind}:${shown}`, limit };
  }

  private limit(r: AttemptResult, actor: string, ip: string, what: 'login' | 'setup', username = ''): void {
    if (r.allowed) return;
    this.d.onRefused?.(what, 'rate-limited');
    if (r.lockedNow) this.d.audit.record({ actor, ip, action: 'login.locked', detail: { what, username, seconds: Math.ceil(r.retryAfterMs / 1000) } });
    throw new RateLimitedError(`too many failed ${what} attempts; try again in ${Math.ceil(r.retryAfterMs / 1000)} s`, r.retryAfterMs / 1000);
  }

  private markSetupDone(): void {
    this.d.db.prepare('INSERT OR IGNORE INTO auth_local_meta (key, value) VALUES (?, ?)').run(SETUP_DONE, new Date().toISOString());
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    this.dummyHash.catch(() => (this.dummyHash = undefined));
    return this.dummyHash;
  }

  /**
   * The global slow-down of one username: once `userFailures` attempts from all sources are counted
   * in the window, each further attempt waits `slowdownStepMs · 2^(n-1)` (capped at `slowdownMaxMs`)
   * before the password is checked. Never a lockout: the owner is only delayed.
   */
  private async slowDown(userKey: string): Promise<void> {
    const { userFailures, slowdownStepMs, slowdownMaxMs } = this.d.config.lockout;
    // `peek` already counts this attempt: `over` is how many failures before it exceed `userFailures`, plus one.
    const over = this.d.lockouts.peek(userKey).failures - userFailures;
    if (over <= 0 || slowdownMaxMs <= 0) return;
    const ms = Math.min(slowdownMaxMs, slowdownStepMs * 2 ** Math.min(over - 1, 20));
    await (this.d.delay ?? ((x: number) => sleep(x)))(ms);
  }

  private failureDelay(): Promise<void> {
    const { failureDelayMinMs: min, failureDelayMaxMs: max } = this.d.config;
    const ms = max > min ? randomInt(min, max + 1) : min;
    return ms > 0 ? (this.d.delay ?? ((x: number) => sleep(x)))(ms) : Promise.resolve();
  }
}
