import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogRing } from './log-ring.js';
import { redactText } from './log-redact.js';
import type { LogRecord } from './logger.js';

const rec = (msg: string, level: LogRecord['level'] = 'info', prefixes: string[] = ['core'], fields?: Record<string, unknown>): LogRecord => ({
  time: new Date(),
  level,
  prefixes,
  msg,
  fields,
});

describe('log redaction', () => {
  it('removes bearer tokens, Authorization and Cookie values, JWTs, secret parameters and random words', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    const key = 'wobyoZlhIhXE0pGlsmUJ4vGkGHl_9H28';
    const cases = [
      `Authorization: Bearer ${jwt}`,
      `authorization=Basic dXNlcjpwYXNz`,
      `cookie: xlive_session=abc123def456`,
      `GET /hls/live/a/index.m3u8?token=${jwt}&x=1`,
      `rtmp://box/live/stage?key=${key}`,
      `publishing live/${key}`,
      `body {"username":"a","password":"correct horse battery"}`,
      `https://box/rec.mp4?expires=1&sig=0123456789abcdef`,
      `login password=hunter2 failed`,
    ];
    for (const c of cases) {
      const out = redactText(c);
      for (const secret of [jwt, key, 'dXNlcjpwYXNz', 'abc123def456', 'correct horse battery', '0123456789abcdef', 'hunter2']) assert.ok(!out.includes(secret), `${c} → ${out}`);
    }
    assert.equal(redactText(`publishing live/${key}`).replace(/key#[0-9a-f]{8}/, 'K'), 'publishing live/K');
    const b64 = 'q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=';
    const hex = 'a3f1c2e4b5d6a7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70';
    assert.ok(!redactText(`secret file holds ${b64}`).includes(b64));
    assert.ok(!redactText(`/rec/1.mp4?exp=1&s=${hex}`).includes(hex));
    assert.equal(redactText('listening on http://127.0.0.1:8080 requestId=17fb297e-dfa1-4e1e-90ea-f58e22ee0948'), 'listening on http://127.0.0.1:8080 requestId=17fb297e-dfa1-4e1e-90ea-f58e22ee0948');
  });
});

describe('log ring', () => {
  it('is bounded by lines and bytes, newest first, with level, source, since and paging filters', () => {
    const ring = new LogRing({ maxLines: 5, maxBytes: 1_000_000 });
    for (let i = 0; i < 8; i++) ring.push(rec(`line ${i}`, i % 2 ? 'warn' : 'info', [i < 4 ? 'http' : 'auth-local']));
    assert.equal(ring.size.lines, 5);
    assert.deepEqual(ring.query({ limit: 10 }).map((e) => e.msg), ['line 7', 'line 6', 'line 5', 'line 4', 'line 3']);
    assert.deepEqual(ring.query({ limit: 10, level: 'warn' }).map((e) => e.msg), ['line 7', 'line 5', 'line 3']);
    assert.deepEqual(ring.query({ limit: 10, source: 'http' }).map((e) => e.msg), ['line 3']);
    const seq6 = ring.query({ limit: 2 })[1]!.seq;
    assert.deepEqual(ring.query({ limit: 2, beforeSeq: seq6 }).map((e) => e.msg), ['line 5', 'line 4']);
    assert.deepEqual(ring.query({ limit: 10, since: new Date(Date.now() + 1000).toISOString() }), []);
    const small = new LogRing({ maxLines: 1000, maxBytes: 2000 });
    for (let i = 0; i < 200; i++) small.push(rec('x'.repeat(100)));
    assert.ok(small.size.bytes <= 2000 && small.size.lines < 20, JSON.stringify(small.size));
    for (let i = 0; i < 5000; i++) small.push(rec('y'));
    assert.ok(small.size.lines <= 1000);
  });

  it('redacts on the way in: message, secret-named fields and others', () => {
    const ring = new LogRing({ maxLines: 10, maxBytes: 100_000 });
    ring.push(rec('request failed', 'error', ['http'], { password: 'hunter2', url: '/x?token=abc.def', authorization: 'Bearer zzz' }));
    const [e] = ring.query({ limit: 1 });
    assert.equal(e!.msg, 'request failed password=[redacted] url=/x?token=[redacted] authorization=[redacted]');
  });
});
