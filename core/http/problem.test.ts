import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticationError, AuthProviderRequiredError, AuthUnavailableError, ForbiddenError, RateLimitedError, StreamNotFoundError, ValidationError, PluginError } from '../errors/xlive-error.js';
import { toProblem } from './problem.js';

describe('toProblem', () => {
  it('maps coded errors to statuses and problem+json once', () => {
    const cases: Array<[Error, number, string]> = [
      [new StreamNotFoundError('stream live/x is not being published'), 404, 'STREAM_NOT_FOUND'],
      [new AuthenticationError('no credentials'), 401, 'AUTHENTICATION_FAILED'],
      [new ForbiddenError('missing scope streams:write'), 403, 'FORBIDDEN'],
      [new ValidationError('bad path'), 400, 'VALIDATION_FAILED'],
      [new PluginError('PLUGIN_START_FAILED', 'x failed to start'), 500, 'PLUGIN_START_FAILED'],
      [new PluginError('PLUGIN_NOT_RUNNING', 'plugin x is failed'), 503, 'PLUGIN_NOT_RUNNING'],
      [new AuthUnavailableError('no auth provider is running'), 503, 'AUTH_UNAVAILABLE'],
      [new AuthProviderRequiredError('auth-local is the only auth provider'), 409, 'AUTH_PROVIDER_REQUIRED'],
    ];
    for (const [err, status, code] of cases) {
      const p = toProblem(err, '/x', 'rid');
      assert.equal(p.status, status);
      assert.equal(p.body.code, code);
      assert.equal(p.body.status, status);
      assert.equal(p.body.detail, err.message);
      assert.equal(p.headers['content-type'], 'application/problem+json');
      assert.match(p.body.type, /^urn:xlive:problem:/);
    }
  });

  it('sets Retry-After and WWW-Authenticate', () => {
    assert.equal(toProblem(new RateLimitedError('slow down', 7.2)).headers['retry-after'], '8');
    assert.match(toProblem(new AuthenticationError('who?')).headers['www-authenticate']!, /^Bearer/);
  });

  it('hides unknown errors behind a request id', () => {
    const p = toProblem(new Error('secret stack detail'), '/x', 'req-1');
    assert.equal(p.status, 500);
    assert.doesNotMatch(JSON.stringify(p.body), /secret/);
    assert.match(p.body.detail, /req-1/);
  });
});
