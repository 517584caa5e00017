import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartControl } from './restart-control.js';

describe('RestartControl', () => {
  it('hands one request to the serve loop after the delay, refuses a second until done()', async () => {
    const control = new RestartControl(10);
    const next = control.next();
    assert.equal(control.request({ actor: 'token:a', reason: 'one' }), true);
    assert.equal(control.isPending, true);
    assert.equal(control.request({ actor: 'token:b', reason: 'two' }), false, 'one at a time');
    assert.equal((await next).reason, 'one');
    control.done();
    assert.equal(control.isPending, false);
    // A request made before the loop waits is queued, not lost.
    assert.equal(control.request({ actor: 'token:c', reason: 'three' }), true);
    await new Promise((r) => setTimeout(r, 30));
    assert.equal((await control.next()).reason, 'three');
  });
});
