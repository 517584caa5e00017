import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelNames, publicExposition } from './public-view.js';

describe('public metrics view', () => {
  it('reads label names past escaped quotes, commas and braces in values', () => {
    assert.deepEqual(labelNames('x 1'), []);
    assert.deepEqual(labelNames('x{} 1'), []);
    assert.deepEqual(labelNames('x{a="1",b="q\\"},c=\\"2\\"",c="\\\\"} 1'), ['a', 'b', 'c']);
    assert.equal(labelNames('x{a="unterminated} 1'), undefined);
  });

  it('keeps families whose series carry only public labels, with their HELP and TYPE', () => {
    const text = [
      '# HELP xlive_a per stream',
      '# TYPE xlive_a gauge',
      'xlive_a{stream="live/x"} 1',
      '# HELP xlive_b mixed',
      '# TYPE xlive_b counter',
      'xlive_b{protocol="rtmp"} 2',
      'xlive_b{protocol="rtmp",stream="live/\\"protocol=\\"x"} 3',
      '# HELP xlive_c plain',
      '# TYPE xlive_c gauge',
      'xlive_c 4',
      '',
    ].join('\n');
    assert.equal(publicExposition(text), ['# HELP xlive_b mixed', '# TYPE xlive_b counter', 'xlive_b{protocol="rtmp"} 2', '# HELP xlive_c plain', '# TYPE xlive_c gauge', 'xlive_c 4', ''].join('\n'));
  });
});
