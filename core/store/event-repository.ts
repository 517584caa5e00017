import type { Statement } from 'better-sqlite3';
import type { BoxEvent, EventFilter, EventSeverity } from '../sdk/events.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './sqlite-error.js';

interface Row {
  id: number;
  time: string;
  type: string;
  severity: string;
  source: string;
  stream: string | null;
  message: string;
  data: string;
}

/** The `events` table: append, trim to a count, list with filters. Needs CORE_MIGRATIONS v2. */
export class EventRepository {
  private readonly insert: Statement<[string, string, string, string, string | null, string, string]>;
  private readonly trim: Statement<[number]>;

  constructor(private readonly db: SqliteDatabase) {
    [this.insert, this.trim] = guarded(db, 'preparing events statements', () => [
      db.prepare<[string, string, string, string, string | null, string, string]>(
        'INSERT INTO events (time, type, severity, source, stream, message, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      db.prepare<[number]>('DELETE FROM events WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)'),
    ]);
  }

  append(e: Omit<BoxEvent, 'id'>): number {
    const r = guarded(this.db, 'writing an event', () =>
      this.insert.run(e.time, e.type, e.severity, e.source, e.stream, e.message, JSON.stringify(e.data)),
    );
    return Number(r.lastInsertRowid);
  }

  /** Keep the newest `keep` events. */
  trimTo(keep: number): void {
    guarded(this.db, 'trimming events', () => this.trim.run(keep));
  }

  list(filter: EventFilter = {}): BoxEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.type) {
      if (filter.type.endsWith('.*')) {
        where.push('type LIKE ?');
        args.push(filter.type.slice(0, -1).replace(/[%_]/g, '') + '%');
      } else {
        where.push('type = ?');
        args.push(filter.type);
      }
    }
    if (filter.minSeverity && filter.minSeverity !== 'info') {
      where.push(filter.minSeverity === 'warn' ? "severity IN ('warn', 'error')" : "severity = 'error'");
    }
    if (filter.stream) {
      where.push('stream = ?');
      args.push(filter.stream);
    }
    if (filter.afterId !== undefined) {
      where.push('id > ?');
      args.push(filter.afterId);
    }
    if (filter.beforeId !== undefined) {
      where.push('id < ?');
      args.push(filter.beforeId);
    }
    if (filter.since) {
      where.push('time >= ?');
      args.push(filter.since);
    }
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    // After a cursor: oldest first, so the page continues exactly where the last one ended (newest
    // first here returned the newest `limit` and skipped everything between the cursor and them).
    const order = filter.afterId !== undefined ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM events ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${order} LIMIT ${limit}`;
    const rows = guarded(this.db, 'reading events', () => this.db.prepare(sql).all(...args) as Row[]);
    return rows.map((r) => ({ ...r, severity: r.severity as EventSeverity, data: JSON.parse(r.data) as Record<string, unknown> }));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }
}
