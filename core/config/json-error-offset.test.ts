import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonErrorOffset, lineColumn } from './json-error-offset.js';
import { seededRandom as prng } from '../../test/helpers/seeded-random.js';


describe('jsonErrorOffset', () => {
  it('returns -1 for valid JSON texts', () => {
    for (const t of ['{}', ' [1, -2.5e+3, 0, "a\\u00e9\\n", true, false, null] ', '{"a":{"b":[{}]}}', '"x"', '0']) {
      assert.equal(jsonErrorOffset(t), -1, t);
    }
  });

  it('points at the first character that breaks the grammar', () => {
    const cases: Array<[string, number]> = [
      ['{"a": }', 6],
      ['{"a": 1,}', 8],
      ['{"a" 1}', 5],
      ['{\n  "a": 1\n  "b": 2\n}', 13],
      ['', 0],
      ['{"a": tru}', 9],
      ['{"a": "x', 8],
      ['[1,2', 4],
      ['{"a":1} x', 8],
      ['{"a": "\u0001"}', 7],
      ['{"a": 01}', 7],
      ['{"a": 1.}', 8],
      ['{"a": "\\x"}', 8],
      ['{"a": "\\u12g4"}', 11],
      ["{'a': 1}", 1],
    ];
    for (const [text, at] of cases) assert.equal(jsonErrorOffset(text), at, JSON.stringify(text));
  });

  it('converts offsets to 1-based line and column', () => {
    assert.deepEqual(lineColumn('{\n  "a": 1\n  "b": 2\n}', 13), { line: 3, column: 3 });
    assert.deepEqual(lineColumn('abc', 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumn('abc', 99), { line: 1, column: 4 });
  });

  it('agrees with JSON.parse on seeded random mutations of valid config text', () => {
    const rnd = prng(0x5eed);
    const base = JSON.stringify(
      { http: { port: 8080, host: '0.0.0.0', ok: true }, list: [1, -2.5, 'x\\"y', null], nested: { a: { b: [] } } },
      null,
      2,
    );
    const alphabet = '{}[]":,.-+eE0123456789 \n\\tfnu\u0001ax';
    for (let n = 0; n < 3000; n++) {
      let text = base;
      const edits = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < edits; k++) {
        const pos = Math.floor(rnd() * (text.length + 1));
        const op = rnd();
        const ch = alphabet[Math.floor(rnd() * alphabet.length)]!;
        if (op < 0.4) text = text.slice(0, pos) + ch + text.slice(pos);
        else if (op < 0.8) text = text.slice(0, pos) + text.slice(pos + 1);
        else text = text.slice(0, pos);
      }
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      const at = jsonErrorOffset(text);
      if (valid) assert.equal(at, -1, JSON.stringify(text));
      else assert.ok(at >= 0 && at <= text.length, JSON.stringify(text));
    }
  });

  it('handles deep nesting without overflowing the stack', () => {
    assert.equal(jsonErrorOffset('['.repeat(100_000)), 512);
    assert.equal(jsonErrorOffset('['.repeat(300) + ']'.repeat(300)), -1);
  });
});
