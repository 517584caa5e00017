import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { signLinkToken, streamOfResource, verifyLinkToken } from './link-token.js';
import { signPlaybackToken, verifyPlaybackToken } from './playback-token.js';

describe('signed links', () => {
  const key = randomBytes(32);
  const res = 'recording:live/stage/20250101T120000Z-0a1b2c3d';
  const now = 1_800_000_000;

  it('verifies for its resource, epoch and time only', () => {
    const t = signLinkToken(key, res, now + 60, 2);
    assert.equal(verifyLinkToken(key, t, res, now, 2), true);
    assert.equal(verifyLinkToken(key, t, res, now + 60, 2), false, 'expired');
    assert.equal(verifyLinkToken(key, t, 'recording:live/stage/20250101T120000Z-ffffffff', now, 2), false, 'another recording');
    assert.equal(verifyLinkToken(key, t, res, now, 3), false, 'revoked (epoch moved on)');
    assert.equal(verifyLinkToken(randomBytes(32), t, res, now, 2), false, 'another box');
    assert.equal(verifyLinkToken(key, t.replace(`.${now + 60}.`, `.${now + 9999}.`), res, now, 2), false, 'expiry edited');
    assert.equal(verifyLinkToken(key, t.replace('l1.2.', 'l1.3.'), res, now, 3), false, 'epoch edited');
    for (const junk of ['', 'l1', 'l1.0.1.x', `${t}x`, ' '.repeat(10)]) assert.equal(verifyLinkToken(key, junk, res, now, 2), false, junk);
  });

  it('is never a playback token, and a playback token is never a link', () => {
    const link = signLinkToken(key, 'live/stage', now + 60);
    assert.equal(verifyPlaybackToken(key, link, 'live/stage', now), false);
    const playback = signPlaybackToken(key, 'live/stage', now + 60);
    assert.equal(verifyLinkToken(key, playback, 'live/stage', now), false);
  });

  it('finds the stream a resource belongs to', () => {
    assert.equal(streamOfResource(res), 'live/stage');
    assert.equal(streamOfResource('recording:live'), undefined);
    assert.equal(streamOfResource('other'), undefined);
  });
});
