import type { Statement } from 'better-sqlite3';
import { DatabaseError } from '../errors/xlive-error.js';
import type { Logger } from '../logging/logger.js';
import type { Migration } from '../sdk/plugin.js';
import type { SqliteDatabase } from './database.js';
import { createPluginDatabase, type SqlGuard } from './plugin-database.js';
import { guarded, isCorruption, toDatabaseError } from './sqlite-error.js';

/** One row of `schema_migrations`. */
export interface AppliedMigration {
  owner: string;
  version: number;
  name: string;
  /** ISO 8601 time it was applied. */
  appliedAt: string;
}

export interface MigrationOutcome {
  owner: string;
  /** The owner's version before and after (0: nothing applied yet). */
  from: number;
  to: number;
  /** What this call applied, in order. */
  applied: AppliedMigration[];
}

/** `core`, or a plugin id: kebab-case, bounded. */
const OWNER_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const OWNER_MAX_LENGTH = 64;
const NAME_MAX_LENGTH = 200;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  owner TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  PRIMARY KEY (owner, version)
)`;

interface Row {
  owner: string;
  version: number;
  name: string;
  applied_at: string;
}

/**
 * Numbered migrations per owner (`core` or a plugin id), recorded in `schema_migrations`.
 * Each migration runs in its own (immediate) transaction together with its record, so it is
 * applied completely or not at all; earlier migrations of the same call stay applied.
 * Note: `PRAGMA foreign_keys` cannot be changed inside a migration (SQLite ignores it in a transaction).
 */
export class Migrator {
  private readonly selectOwner: Statement<[string], Row>;
  private readonly selectOne: Statement<[string, number], { version: number }>;
  private readonly insert: Statement<[string, number, string, string]>;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
    /** Checks every statement of a migration first (plugin databases refuse ATTACH/DETACH). */
    private readonly guard?: SqlGuard,
  ) {
    guarded(db, 'creating schema_migrations', () => db.exec(CREATE_TABLE));
    this.selectOwner = db.prepare(
      'SELECT owner, version, name, applied_at FROM schema_migrations WHERE owner = ? ORDER BY version',
    );
    this.selectOne = db.prepare('SELECT version FROM schema_migrations WHERE owner = ? AND version = ?');
    this.insert = db.prepare('INSERT INTO schema_migrations (owner, version, name, applied_at) VALUES (?, ?, ?, ?)');
  }

  /** The migrations recorded for `owner`, in version order. */
  applied(owner: string): AppliedMigration[] {
    checkOwner(owner);
    const rows = guarded(this.db, `reading schema_migrations of ${owner}`, () => this.selectOwner.all(owner));
    return rows.map((r) => ({ owner: r.owner, version: r.version, name: r.name, appliedAt: r.applied_at }));
  }

  /** The highest version recorded for `owner` (0 when none). */
  version(owner: string): number {
    const rows = this.applied(owner);
    return rows.length === 0 ? 0 : rows[rows.length - 1]!.version;
  }

  /**
   * Apply the migrations of `owner` not recorded yet, in version order. Throws DatabaseError when
   * the list is malformed, when the database is newer than the newest migration known (a
   * downgrade), when an unapplied migration sits below an applied one, or when a migration fails
   * (that migration is rolled back; the error names it and carries the SQLite error as `cause`).
   */
  migrate(owner: string, migrations: readonly Migration[]): MigrationOutcome {
    checkOwner(owner);
    const known = checkMigrations(owner, migrations);
    const recorded = this.applied(owner);
    const from = recorded.length === 0 ? 0 : recorded[recorded.length - 1]!.version;
    const newest = known.length === 0 ? 0 : known[known.length - 1]!.version;
    if (from > newest) {
      throw new DatabaseError(
        `the database has schema version ${from} for ${owner}, newer than the newest migration this ` +
          `version knows (${newest}); it was written by a newer release. Run that release again, ` +
          `or restore a backup made before the upgrade`,
        { details: { file: this.db.name, owner, databaseVersion: from, knownVersion: newest } },
      );
    }
    const byVersion = new Map(recorded.map((r) => [r.version, r]));
    for (const m of known) {
      const r = byVersion.get(m.version);
      if (r !== undefined && r.name !== m.name) {
        this.log.warn('migration renamed since it was applied', { owner, version: m.version, recorded: r.name, now: m.name });
      }
    }
    const pending = known.filter((m) => !byVersion.has(m.version));
    const first = pending[0];
    if (first !== undefined && first.version < from) {
      throw new DatabaseError(
        `migration ${first.version} '${first.name}' of ${owner} was never applied but version ${from} is; ` +
          `new migrations must be numbered above ${from}`,
        { details: { file: this.db.name, owner, version: first.version, databaseVersion: from } },
      );
    }
    const applied: AppliedMigration[] = [];
    for (const m of pending) {
      const done = this.applyOne(owner, m);
      if (done !== undefined) applied.push(done);
    }
    return { owner, from, to: Math.max(from, ...applied.map((a) => a.version)), applied };
  }

  private applyOne(owner: string, m: Migration): AppliedMigration | undefined {
    const run = this.db.transaction((): AppliedMigration | undefined => {
      // Another connection may have applied it since we looked (the immediate transaction holds the write lock now).
      if (this.selectOne.get(owner, m.version) !== undefined) return undefined;
      if (typeof m.up === 'string') {
        this.guard?.(m.up);
        this.db.exec(m.up);
      } else m.up(createPluginDatabase(this.db, this.guard));
      const appliedAt = this.now().toISOString();
      this.insert.run(owner, m.version, m.name, appliedAt);
      return { owner, version: m.version, name: m.name, appliedAt };
    });
    try {
      const done = run.immediate();
      if (done !== undefined) this.log.info('migration applied', { owner, version: m.version, name: m.name });
      return done;
    } catch (err) {
      if (isCorruption(err)) throw toDatabaseError(err, `migrating ${owner} to ${m.version}`, this.db.name);
      const reason = err instanceof Error ? err.message : String(err);
      throw new DatabaseError(`migration ${m.version} '${m.name}' of ${owner} failed and was rolled back: ${reason}`, {
        cause: err,
        details: { file: this.db.name, owner, version: m.version, name: m.name },
      });
    }
  }
}

/** True for a valid migration owner: `core` or a kebab-case plugin id of at most 64 characters. */
export function isMigrationOwner(owner: unknown): owner is string {
  return typeof owner === 'string' && owner.length <= OWNER_MAX_LENGTH && OWNER_PATTERN.test(owner);
}

function checkOwner(owner: string): void {
  if (!isMigrationOwner(owner)) {
    throw new DatabaseError(`migration owner ${JSON.stringify(owner)} is not \`core\` or a kebab-case plugin id`, {
      details: { owner },
    });
  }
}

/** Validate a migration list and return it sorted by version. */
function checkMigrations(owner: string, migrations: readonly Migration[]): Migration[] {
  if (!Array.isArray(migrations)) {
    throw new DatabaseError(`migrations of ${owner} must be an array`, { details: { owner } });
  }
  const seen = new Set<number>();
  for (const m of migrations) {
    const bad = (why: string): DatabaseError =>
      new DatabaseError(`migration ${JSON.stringify(m?.version)} of ${owner} ${why}`, { details: { owner } });
    if (typeof m !== 'object' || m === null) throw bad('is not an object');
    if (!Number.isSafeInteger(m.version) || m.version <= 0) throw bad('needs a positive integer version');
    if (seen.has(m.version)) throw bad('is listed twice');
    seen.add(m.version);
    if (typeof m.name !== 'string' || m.name.length === 0 || m.name.length > NAME_MAX_LENGTH) {
      throw bad(`needs a name of 1 to ${NAME_MAX_LENGTH} characters`);
    }
    if (typeof m.up !== 'string' && typeof m.up !== 'function') throw bad('needs `up`: SQL text or a function');
  }
  return [...migrations].sort((a, b) => a.version - b.version);
}
