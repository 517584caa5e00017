import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { ValidationError } = await import('xlive/sdk');
const { activeConditions, parseThrottled } = await import('./throttle-flags.js');

describe('parseThrottled', () => {
  it('decodes the documented bits from the sysfs and vcgencmd forms', () => {
    const ok = parseThrottled('0\n');
    assert.equal(ok.raw, 0);
    assert.deepEqual(activeConditions(ok), []);

    // 0x50005: under-voltage and throttled now; both have occurred since boot.
    const f = parseThrottled('50005\n');
    assert.equal(f.raw, 0x50005);
    assert.equal(f.underVoltage, true);
    assert.equal(f.frequencyCapped, false);
    assert.equal(f.throttled, true);
    assert.equal(f.softTempLimit, false);
    assert.equal(f.underVoltageOccurred, true);
    assert.equal(f.throttledOccurred, true);
    assert.equal(f.frequencyCappedOccurred, false);
    assert.deepEqual(activeConditions(f), ['under-voltage', 'throttled']);

    assert.deepEqual(parseThrottled('throttled=0x50000'), { ...parseThrottled('50000') });
    const soft = parseThrottled(' 0x8000A ');
    assert.equal(soft.softTempLimit, true);
    assert.equal(soft.frequencyCapped, true);
    assert.equal(soft.softTempLimitOccurred, true);
    const all = parseThrottled('ffffffff');
    assert.equal(all.raw, 0xffffffff);
    assert.equal(all.softTempLimitOccurred, true);
  });

  it('refuses what is not a hex number with a coded error, never crashing (seeded, 2000 cases)', () => {
    for (const bad of ['', 'zz', '0x', '123456789', 'throttled=', '-1', '1 2']) {
      assert.throws(() => parseThrottled(bad), ValidationError, bad);
    }
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = '0123456789abcdefABCDEFxX=throtld \n\t-';
    for (let i = 0; i < 2000; i++) {
      const len = Math.floor(rand() * 14);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      try {
        const f = parseThrottled(s);
        assert.ok(f.raw >= 0 && f.raw <= 0xffffffff);
      } catch (err) {
        assert.ok(err instanceof ValidationError, `${JSON.stringify(s)}: ${String(err)}`);
      }
    }
  });
});
