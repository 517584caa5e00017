import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WriteQueue, type WriteJob } from './write-queue.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('jobs run one at a time, in order; an error does not stop the queue', async () => {
  const log: string[] = [];
  const errors: unknown[] = [];
  const q = new WriteQueue(10, (e) => errors.push(e));
  let running = 0;
  const job = (name: string, fail = false): WriteJob => ({
    droppable: true,
    run: async () => {
      running++;
      assert.equal(running, 1);
      await new Promise((r) => setImmediate(r));
      log.push(name);
      running--;
      if (fail) throw new Error(name);
    },
  });
  q.push(job('a'));
  q.push(job('b', true));
  q.push(job('c'));
  await q.idle();
  assert.deepEqual(log, ['a', 'b', 'c']);
  assert.equal((errors[0] as Error).message, 'b');
  assert.equal(q.busy, false);
});

test('over maxPending the oldest waiting droppable job is dropped; others are kept', async () => {
  const gate = deferred();
  const ran: string[] = [];
  const dropped: string[] = [];
  const q = new WriteQueue(2, () => undefined);
  const job = (name: string, droppable = true): WriteJob => ({
    droppable,
    run: async () => {
      if (name === 'first') await gate.promise;
      ran.push(name);
    },
    dropped: (reason) => dropped.push(`${name}:${reason}`),
  });
  q.push(job('first'));
  q.push(job('s1'));
  q.push(job('end', false));
  q.push(job('s2'));
  q.push(job('s3'));
  assert.equal(q.pending, 3);
  assert.deepEqual(dropped, ['s1:overflow']);
  gate.resolve();
  await q.idle();
  assert.deepEqual(ran, ['first', 'end', 's2', 's3']);
});

test('the queue is bounded even for jobs that cannot be dropped by choice', () => {
  const gate = deferred();
  const q = new WriteQueue(1, () => undefined);
  let dropped = 0;
  q.push({ droppable: false, run: () => gate.promise });
  for (let i = 0; i < 500; i++) q.push({ droppable: false, run: async () => undefined, dropped: () => dropped++ });
  assert.ok(q.pending <= 64, `pending ${q.pending}`);
  assert.equal(dropped, 500 - q.pending);
  gate.resolve();
});

test('close drops waiting jobs and refuses new ones; idle waits for the running one', async () => {
  const gate = deferred();
  const q = new WriteQueue(5, () => undefined);
  const events: string[] = [];
  q.push({ droppable: true, run: async () => { await gate.promise; events.push('ran'); } });
  q.push({ droppable: true, run: async () => void events.push('never'), dropped: (r) => events.push(`dropped:${r}`) });
  q.close();
  q.push({ droppable: false, run: async () => void events.push('never'), dropped: (r) => events.push(`refused:${r}`) });
  const idle = q.idle();
  gate.resolve();
  await idle;
  assert.deepEqual(events, ['dropped:closed', 'refused:closed', 'ran']);
});
