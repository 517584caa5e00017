import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactKey, redactValue } from './redact-config.js';

describe('redact-config', () => {
  it('masks values under secret-looking keys, in objects too', () => {
    assert.equal(redactValue('plugins.webhooks.secret', 'abc'), '***');
    assert.equal(redactValue('plugins.webhooks.secret', ''), '');
    assert.deepEqual(redactValue('plugins.x', { apiKey: 'k', port: 1, nested: { password: 'p' } }), { apiKey: '***', port: 1, nested: { password: '***' } });
  });

  it('removes passwords and query strings from URLs, keeps plain URLs', () => {
    assert.deepEqual(redactValue('plugins.webhooks.urls', ['https://u:pw@h.example/x?token=1', 'https://h.example/y']), ['https://u:***@h.example/x?***', 'https://h.example/y']);
  });

  it('masks stream names that may be keys inside key paths', () => {
    assert.equal(redactKey('plugins.storage-local.record.live/stage'), 'plugins.storage-local.record.live/stage');
    assert.match(redactKey('plugins.storage-local.record.live/abcdefghijklmnopqrstuvwxyz'), /^plugins\.storage-local\.record\.live\/key#[0-9a-f]{8}$/);
    assert.deepEqual(Object.keys(redactValue('plugins.storage-local.record', { 'live/abcdefghijklmnopqrstuvwxyz': true }) as object)[0]?.startsWith('live/key#'), true);
  });
});
