/**
 * The plugin's services over a real SQLite database (in memory, or a file to test restarts) through
 * `xlive/sdk/testing` (its ctx.store), with a
 * controllable clock, cheap scrypt parameters, no failure delay, and recorded events.
 */
import { randomBytes } from 'node:crypto';
import type { EventInit, PluginDatabase } from 'xlive/sdk';
import { createTestContext, type TestDatabase } from 'xlive/sdk/testing';
import type { AuthServices } from '../auth-services.js';
import type { PartialConfig } from '../config.js';
import type { PasswordHasher } from '../password-work-queue.js';
import type { SetupCode } from '../setup-code.js';

export interface Harness {
  s: AuthServices;
  db: PluginDatabase;
  raw: TestDatabase;
  clock: { now: number; advance(ms: number): void };
  events: EventInit[];
  close(): void;
}

export interface HarnessOptions {
  config?: PartialConfig;
  dbFile?: string;
  /** Share the box secret between harnesses (a restart keeps it). */
  secret?: Buffer;
  startMs?: number;
  /** Record the slow-down and failure delays instead of skipping them. */
  delay?: (ms: number) => Promise<void>;
  /** The hashing under the bounded queue (default: scrypt with FAST_SCRYPT). */
  hasher?: PasswordHasher;
  setupCode?: SetupCode;
}

export const FAST_SCRYPT = { ln: 10, r: 8, p: 1 };

export async function authHarness(o: HarnessOptions = {}): Promise<Harness> {
  const { createAuthServices } = await import('../auth-services.js');
  const { deriveKeys } = await import('../box-secret.js');
  const { withDefaults } = await import('../config.js');
  const { AUTH_LOCAL_MIGRATIONS } = await import('../migrations.js');
  const t = createTestContext({ id: 'auth-local', manifestFrom: import.meta.url, ...(o.dbFile !== undefined && { dbFile: o.dbFile }) });
  const db = t.ctx.store.migrate(AUTH_LOCAL_MIGRATIONS);
  const clock = {
    now: o.startMs ?? Date.UTC(2030, 0, 1),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const events: EventInit[] = [];
  const s = createAuthServices({
    db,
    config: withDefaults({ failureDelayMinMs: 0, failureDelayMaxMs: 0, ...o.config }),
    boxKeys: deriveKeys(o.secret ?? randomBytes(32)),
    events: { record: (e) => void events.push(e) },
    parsePath: (path) => t.ctx.streams.parsePath(path),
    now: () => clock.now,
    scrypt: FAST_SCRYPT,
    delay: o.delay ?? (() => Promise.resolve()),
    ...(o.hasher && { hasher: o.hasher }),
    ...(o.setupCode && { setupCode: o.setupCode }),
  });
  return {
    s,
    db,
    raw: t.parts.db,
    clock,
    events,
    close: () => {
      t.release();
      t.dispose();
    },
  };
}
