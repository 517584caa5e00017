import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RecordingInfo } from 'xlive/sdk';
import { encodeCursor, pageOf, parseRecordingQuery } from './recording-query.js';

const T0 = Date.UTC(2025, 0, 1, 12);
const rec = (id: string, startMin: number, endMin: number | null, stream = 'live/a'): RecordingInfo => ({
  id,
  stream,
  startedAt: new Date(T0 + startMin * 60_000).toISOString(),
  endedAt: endMin === null ? null : new Date(T0 + endMin * 60_000).toISOString(),
  segments: 1,
  bytes: 1,
  durationMs: 1,
});
const all = [rec('a', 0, 10), rec('b', 20, 30, 'live/b'), rec('c', 20, 25), rec('d', 40, null)];
const ids = (p: { items: RecordingInfo[] }) => p.items.map((r) => r.id);
const now = T0 + 50 * 60_000;

describe('recording list queries', () => {
  it('pages newest first with a keyset cursor that neither repeats nor skips', () => {
    const q = parseRecordingQuery({ limit: '2' });
    const p1 = pageOf(all, q, now);
    assert.deepEqual(ids(p1), ['d', 'c']);
    const p2 = pageOf(all, parseRecordingQuery({ limit: '2', cursor: p1.next! }), now);
    assert.deepEqual(ids(p2), ['b', 'a']);
    assert.equal(p2.next, null);
    // A recording added between the pages (newer than the cursor) does not shift the second page.
    assert.deepEqual(ids(pageOf([...all, rec('e', 45, null)], parseRecordingQuery({ limit: '2', cursor: p1.next! }), now)), ['b', 'a']);
    assert.deepEqual(ids(pageOf(all, parseRecordingQuery({}), now)), ['d', 'c', 'b', 'a']);
  });

  it('filters by stream and by overlap with [from, to]', () => {
    const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
    assert.deepEqual(ids(pageOf(all, parseRecordingQuery({ stream: 'live/b' }), now)), ['b']);
    assert.deepEqual(ids(pageOf(all, parseRecordingQuery({ from: at(26), to: at(35) }), now)), ['b']);
    assert.deepEqual(ids(pageOf(all, parseRecordingQuery({ from: at(45) }), now)), ['d'], 'a running recording runs until now');
    assert.deepEqual(ids(pageOf(all, parseRecordingQuery({ to: String(T0 + 5 * 60_000) }), now)), ['a'], 'epoch ms');
  });

  it('refuses bad values, naming the field', () => {
    for (const [q, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '501' }, 'limit'],
      [{ limit: '1e2' }, 'limit'],
      [{ stream: 'a/b/c' }, 'stream'],
      [{ from: 'monday' }, 'from'],
      [{ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, 'from'],
      [{ cursor: 'x'.repeat(401) }, 'cursor'],
      [{ cursor: Buffer.from('{"a":1}').toString('base64url') }, 'cursor'],
      [{ cursor: Buffer.from('[1.5,"x"]').toString('base64url') }, 'cursor'],
    ] as const) {
      assert.throws(() => parseRecordingQuery(q), (e: Error & { code?: string }) => e.code === 'VALIDATION_FAILED' && e.message.startsWith(`${field} `), JSON.stringify(q));
    }
    assert.deepEqual(parseRecordingQuery({ cursor: encodeCursor(5, 'x') }).after, { startedMs: 5, id: 'x' });
  });
});
