/** The test-side exposition validator must accept good text and refuse broken text, or its passes mean nothing. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpositionError, parseExposition, sampleValue } from './exposition-parser.js';

const GOOD = [
  '# HELP xlive_up Whether the box is up',
  '# TYPE xlive_up gauge',
  'xlive_up 1',
  '# HELP xlive_req_total Requests with a \\\\ backslash and \\n newline',
  '# TYPE xlive_req_total counter',
  'xlive_req_total{route="/a",status="200"} 12 1700000000000',
  'xlive_req_total{route="q\\"x\\\\y\\nz",status="500"} 1e3',
  '# TYPE xlive_lat_seconds histogram',
  'xlive_lat_seconds_bucket{le="0.1"} 1',
  'xlive_lat_seconds_bucket{le="1"} 3',
  'xlive_lat_seconds_bucket{le="+Inf"} 4',
  'xlive_lat_seconds_sum 7.25',
  'xlive_lat_seconds_count 4',
  '# a comment',
  'xlive_nan NaN',
  '# prom-client writes NaN as "Nan"; Go\'s ParseFloat (Prometheus) reads special values in any case',
  'xlive_nan2 Nan',
  'xlive_inf -inf',
  '',
].join('\n');

describe('parseExposition', () => {
  it('reads families, labels with escapes, values and histograms', () => {
    const f = parseExposition(GOOD);
    assert.equal(f.get('xlive_up')?.help, 'Whether the box is up');
    assert.equal(f.get('xlive_req_total')?.help, 'Requests with a \\ backslash and \n newline');
    assert.equal(sampleValue(f, 'xlive_req_total', { route: 'q"x\\y\nz' }), 1000);
    assert.equal(sampleValue(f, 'xlive_lat_seconds', { le: '+Inf' }, 'xlive_lat_seconds_bucket'), 4);
    assert.equal(f.get('xlive_lat_seconds')?.type, 'histogram');
    assert.ok(Number.isNaN(sampleValue(f, 'xlive_nan')));
    assert.ok(Number.isNaN(sampleValue(f, 'xlive_nan2')));
    assert.equal(sampleValue(f, 'xlive_inf'), -Infinity);
  });

  const BAD: Array<[string, string]> = [
    ['no final newline', 'xlive_up 1'],
    ['bad metric name', '1xlive 1\n'],
    ['bad value', 'xlive_up one\n'],
    ['signed NaN', 'xlive_up -NaN\n'],
    ['missing value', 'xlive_up\n'],
    ['unterminated label', 'xlive_up{a="b} 1\n'],
    ['bad escape', 'xlive_up{a="\\t"} 1\n'],
    ['bad label name', 'xlive_up{1a="b"} 1\n'],
    ['repeated label', 'xlive_up{a="1",a="2"} 1\n'],
    ['duplicate series', 'xlive_up{a="1"} 1\nxlive_up{a="1"} 2\n'],
    ['unknown type', '# TYPE xlive_up gaugeish\nxlive_up 1\n'],
    ['type after samples', 'xlive_up 1\n# TYPE xlive_up gauge\n'],
    ['two types', '# TYPE xlive_up gauge\n# TYPE xlive_up gauge\n'],
    ['interleaved families', 'xlive_a 1\nxlive_b 1\nxlive_a{x="y"} 1\n'],
    ['trailing garbage', 'xlive_up 1 2 3\n'],
    ['histogram without +Inf', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['histogram not cumulative', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['histogram count mismatch', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n'],
    ['plain sample in a histogram', '# TYPE h histogram\nh 1\n'],
  ];
  for (const [what, text] of BAD) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseExposition(text), ExpositionError);
    });
  }

  it('never crashes on mutated input: it parses or throws ExpositionError (seeded, 3000 cases)', () => {
    let seed = 0x9e3779b9;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const alphabet = '{}",=\\\n #+-.eE0123456789abcxyz_:\t';
    for (let i = 0; i < 3000; i++) {
      const chars = [...GOOD];
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * chars.length);
        const op = rand();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)]!);
        else chars[at] = alphabet[Math.floor(rand() * alphabet.length)]!;
      }
      try {
        parseExposition(chars.join(''));
      } catch (err) {
        assert.ok(err instanceof ExpositionError, `case ${i}: ${(err as Error).stack}`);
      }
    }
  });
});
