import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthenticationError, ConflictError, RateLimitedError, ValidationError, type PluginDatabase } from 'xlive/sdk';
import type { AuditLog } from './audit-log.js';
import type { AuthLocalConfig } from './config.js';
import type { AttemptResult, LockoutLimiter } from './lockout-limiter.js';
import { DEFAULT_SCRYPT, hashPassword, MAX_PASSWORD_BYTES, verifyPassword, type ScryptParams } from './password-hash.js';
import type { Role } from './roles.js';
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

  constructor(private readonly d: AccountServiceDeps) {}

  /** Setup is open until the first admin exists; then closed for good (a marker row, kept even if admins are deleted). */
  isSetupOpen(): boolean {
    const row = this.d.db.prepare('SELECT value FROM auth_local_meta WHERE key = ?').get(SETUP_DONE);
    return row === undefined && this.d.users.countActiveAdmins() === 0;
  }

  /** `POST /api/v1/setup`: create the one first admin, in a transaction (of two racing calls, one wins). */
  async setup(usernameIn: unknown, passwordIn: unknown, ip: string): Promise<LoginResult> {
    const name = typeof usernameIn === 'string' ? usernameIn.slice(0, 64) : '';
    this.limit(this.d.lockouts.attempt([this.key('setup-ip', ip, 'ip'), this.key('setup-user', name.toLowerCase(), 'user')]), 'anonymous', ip, 'setup');
    try {
      if (!this.isSetupOpen()) throw new ConflictError('setup is already done; log in, or use "xlive admin reset-password" on the console');
      const username = parseUsername(usernameIn);
      const password = this.checkPassword(passwordIn, username);
      const hash = await hashPassword(password, this.d.scrypt ?? DEFAULT_SCRYPT);
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
    const userKey = this.key('login-user', name.toLowerCase(), 'user');
    const ipKey = this.key('login-ip', ip, 'ip');
    this.limit(this.d.lockouts.attempt([userKey, ipKey]), 'anonymous', ip, 'login', name);
    const found = name === '' ? undefined : this.d.users.findForLogin(name);
    // Unknown users cost one scrypt too, so timing does not tell which names exist.
    const ok = await verifyPassword(password, found?.passwordHash ?? (await this.dummy()));
    if (!found || !ok || found.user.disabled) {
      const reason = !found ? 'unknown user' : !ok ? 'wrong password' : 'account disabled';
      this.d.audit.record({ actor: 'anonymous', ip, action: 'login.failed', detail: { username: name, reason } });
      this.d.onRefused?.('login', 'failed');
      await this.failureDelay();
      throw new AuthenticationError('wrong username or password');
    }
    this.d.lockouts.reset(userKey.key);
    this.d.lockouts.refund(ipKey.key);
    this.d.audit.record({ actor: `user:${found.user.username}`, ip, action: 'login.ok', detail: {} });
    return found.user;
  }

  async createUser(actor: string, ip: string | undefined, input: { username: unknown; password: unknown; role: Role }): Promise<UserRecord> {
    const username = parseUsername(input.username);
    const password = this.checkPassword(input.password, username);
    const user = this.d.users.create(username, input.role, await hashPassword(password, this.d.scrypt ?? DEFAULT_SCRYPT));
    this.d.audit.record({ actor, ip, action: 'user.created', detail: { username, role: input.role } });
    return user;
  }

  /** Change role, password or disabled flag; the user's sessions are revoked. The last active admin stays. */
  async updateUser(actor: string, ip: string | undefined, id: number, change: { role?: Role; password?: unknown; disabled?: boolean }): Promise<UserRecord> {
    const before = this.d.users.require(id);
    const hash = change.password === undefined ? undefined : await hashPassword(this.checkPassword(change.password, before.username), this.d.scrypt ?? DEFAULT_SCRYPT);
    const user = this.d.db.transaction(() => {
      const demotes = before.role === 'admin' && !before.disabled && ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
      if (demotes && this.d.users.countActiveAdmins() <= 1) throw new ConflictError(`${before.username} is the last active admin`);
      return this.d.users.update(id, { ...(change.role && { role: change.role }), ...(hash && { passwordHash: hash }), ...(change.disabled !== undefined && { disabled: change.disabled }) });
    });
    const revoked = this.d.sessions.revokeAllFor(id);
    const fields = Object.keys(change).filter((k) => (change as Record<string, unknown>)[k] !== undefined);
    this.d.audit.record({ actor, ip, action: 'user.updated', detail: { username: user.username, changed: fields, role: user.role, disabled: user.disabled, sessionsRevoked: revoked } });
    return user;
  }

  deleteUser(actor: string, ip: string | undefined, id: number): void {
    const user = this.d.users.require(id);
    this.d.db.transaction(() => {
      if (user.role === 'admin' && !user.disabled && this.d.users.countActiveAdmins() <= 1) throw new ConflictError(`${user.username} is the last active admin`);
      this.d.sessions.revokeAllFor(id);
      this.d.users.delete(id);
    });
    this.d.audit.record({ actor, ip, action: 'user.deleted', detail: { username: user.username } });
  }

  /** `xlive admin create <name>`: a new admin from the console (closes setup too). */
  async createAdmin(usernameIn: string, password: string): Promise<UserRecord> {
    const username = parseUsername(usernameIn);
    const hash = await hashPassword(this.checkPassword(password, username), this.d.scrypt ?? DEFAULT_SCRYPT);
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
    const hash = await hashPassword(this.checkPassword(password, found.username), this.d.scrypt ?? DEFAULT_SCRYPT);
    const user = this.d.users.update(found.id, { passwordHash: hash });
    this.d.sessions.revokeAllFor(user.id);
    this.d.lockouts.reset(`login-user:${user.username.toLowerCase()}`);
    this.d.audit.record({ actor: 'console', action: 'user.password-reset', detail: { username: user.username } });
    return user;
  }

  checkPassword(v: unknown, username: string): string {
    const min = this.d.config.passwordMinLength;
    if (typeof v !== 'string' || [...v].length < min || Buffer.byteLength(v) > MAX_PASSWORD_BYTES) {
      throw new ValidationError(`a password needs at least ${min} characters (and at most ${MAX_PASSWORD_BYTES} bytes)`);
    }
    if (v.toLowerCase() === username.toLowerCase()) throw new ValidationError('the password must not be the username');
    return v;
  }

  private key(kind: string, id: string, limitOf: 'user' | 'ip'): { key: string; limit: number } {
    const limit = limitOf === 'user' ? this.d.config.lockout.userFailures : this.d.config.lockout.ipFailures;
    return { key: `${kind}:${id.slice(0, 64)}`, limit };
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
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.d.scrypt ?? DEFAULT_SCRYPT);
    return this.dummyHash;
  }

  private failureDelay(): Promise<void> {
    const { failureDelayMinMs: min, failureDelayMaxMs: max } = this.d.config;
    const ms = max > min ? randomInt(min, max + 1) : min;
    return ms > 0 ? (this.d.delay ?? ((x: number) => sleep(x)))(ms) : Promise.resolve();
  }
}
