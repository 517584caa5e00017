import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TurnWriter, type CorkableWritable } from './turn-writer.js';

class FakeSocket implements CorkableWritable {
  corks = 0;
  flushes: Uint8Array[][] = [];
  private pending: Uint8Array[] = [];
  private corkDepth = 0;
  writableLength = 0;
  writableHighWaterMark = 100;
  destroyed = false;
  cork(): void {
    this.corks++;
    this.corkDepth++;
  }
  uncork(): void {
    if (--this.corkDepth === 0 && this.pending.length) {
      this.flushes.push(this.pending);
      this.pending = [];
    }
  }
  write(chunk: Uint8Array): boolean {
    this.pending.push(chunk);
    this.writableLength += chunk.length;
    if (this.corkDepth === 0) this.uncork();
    return this.writableLength < this.writableHighWaterMark;
  }
}

describe('TurnWriter', () => {
  it('sends everything written in one turn as one batch, uncopied', async () => {
    const s = new FakeSocket();
    const w = new TurnWriter(s);
    const a = new Uint8Array(3);
    const b = new Uint8Array(4);
    w.write([a, b]);
    w.write([b]);
    assert.equal(s.flushes.length, 0, 'nothing leaves before the turn ends');
    await new Promise((r) => process.nextTick(r));
    assert.equal(s.flushes.length, 1);
    assert.equal(s.flushes[0]![0], a, 'the same buffer, not a copy');
    assert.equal(s.corks, 1);
    w.write([a]);
    await new Promise((r) => process.nextTick(r));
    assert.equal(s.flushes.length, 2, 'a new turn is a new batch');
  });

  it('reports backpressure from the buffered length', () => {
    const s = new FakeSocket();
    const w = new TurnWriter(s);
    assert.equal(w.write([new Uint8Array(50)]), true);
    assert.equal(w.write([new Uint8Array(60)]), false);
  });
});
