import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from '../logging/logger.js';
import type { EventSeverity } from '../sdk/events.js';
import { CORE_MIGRATIONS, CORE_OWNER } from './core-migrations.js';
import { openDatabase } from './database.js';
import { EventRepository } from './event-repository.js';
import { Migrator } from './migrator.js';

function setup(): EventRepository {
  const log = silentLogger();
  const db = openDatabase(':memory:', log);
  new Migrator(db, log).migrate(CORE_OWNER, CORE_MIGRATIONS);
  const repo = new EventRepository(db);
  const add = (type: string, severity: EventSeverity, stream: string | null) =>
    repo.append({ time: new Date().toISOString(), type, severity, source: 'core', stream, message: type, data: {} });
  add('stream.started', 'info', 'live/a');
  add('viewer.dropped', 'warn', 'live/a');
  add('publish.refused', 'warn', 'live/b');
  add('plugin.failed', 'error', null);
  return repo;
}

describe('EventRepository filters', () => {
  it('keeps events of at least a severity', () => {
    const repo = setup();
    assert.deepEqual(repo.list({ minSeverity: 'info' }).map((e) => e.type), ['plugin.failed', 'publish.refused', 'viewer.dropped', 'stream.started']);
    assert.deepEqual(repo.list({ minSeverity: 'warn' }).map((e) => e.type), ['plugin.failed', 'publish.refused', 'viewer.dropped']);
    assert.deepEqual(repo.list({ minSeverity: 'error' }).map((e) => e.type), ['plugin.failed']);
  });

  it('keeps the events of one stream, combined with the other filters and paging', () => {
    const repo = setup();
    assert.deepEqual(repo.list({ stream: 'live/a' }).map((e) => e.type), ['viewer.dropped', 'stream.started']);
    assert.deepEqual(repo.list({ stream: 'live/a', minSeverity: 'warn' }).map((e) => e.type), ['viewer.dropped']);
    const newest = repo.list({ stream: 'live/a', limit: 1 });
    assert.deepEqual(repo.list({ stream: 'live/a', beforeId: newest[0]!.id }).map((e) => e.type), ['stream.started']);
    assert.deepEqual(repo.list({ stream: 'live/none' }), []);
  });
});
