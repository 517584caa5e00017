import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { BoxNames, HostCheck, normalizeHost } from './host-check.js';
import { toProblem } from './problem.js';

const interfaces = () => ({
  lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '', internal: true, cidr: null }],
  eth0: [
    { address: 'fe80::1%eth0', netmask: 'ffff::', family: 'IPv6' as const, mac: '', internal: false, cidr: null, scopeid: 2 },
    { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '', internal: false, cidr: null },
  ],
});

function app(check: HostCheck) {
  const a = new Hono();
  a.onError((err) => {
    const p = toProblem(err);
    return new Response(JSON.stringify(p.body), { status: p.status, headers: p.headers });
  });
  a.post('/x', check.middleware(), (c) => c.text('ok'));
  return a;
}

describe('host check (DNS rebinding)', () => {
  it("knows the box's names, best first: public names, addresses (IPv4 first), <host>.local, host, loopback", () => {
    const names = new BoxNames({ publicNames: ['Stage.Example.org'], hostname: () => 'xlive-box', interfaces });
    assert.deepEqual(names.list(), ['stage.example.org', '192.168.1.20', 'fe80::1', 'xlive-box.local', 'xlive-box', 'localhost', '127.0.0.1', '::1']);
    assert.equal(names.has('XLIVE-BOX.local:8080'), true);
    assert.equal(names.has('[::1]:8080'), true);
    assert.equal(names.has('evil.example'), false);
    assert.equal(normalizeHost('Box.Local.:80'), 'box.local');
  });

  it('refuses a foreign Host, a foreign or null Origin (403 HOST_NOT_ALLOWED); X-Forwarded-Host only with trustProxy', async () => {
    const names = new BoxNames({ publicNames: [], hostname: () => 'xlive-box', interfaces });
    const plain = app(new HostCheck(names, false));
    const post = (a: Hono, headers: Record<string, string>) => a.request('http://x/x', { method: 'POST', headers });
    assert.equal((await post(plain, { host: '192.168.1.20:8080' })).status, 200);
    assert.equal((await post(plain, { host: 'xlive-box.local', origin: 'http://xlive-box.local:8080' })).status, 200);
    const evil = await post(plain, { host: 'evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(((await evil.json()) as { code: string }).code, 'HOST_NOT_ALLOWED');
    assert.equal((await post(plain, { host: 'localhost', origin: 'http://evil.example' })).status, 403);
    assert.equal((await post(plain, { host: 'localhost', origin: 'null' })).status, 403);
    assert.equal((await post(plain, { host: 'localhost', 'x-forwarded-host': 'evil.example' })).status, 200, 'ignored without trustProxy');
    const proxied = app(new HostCheck(names, true));
    assert.equal((await post(proxied, { host: 'localhost', 'x-forwarded-host': 'evil.example' })).status, 403);
    assert.equal((await post(proxied, { host: 'evil.example', 'x-forwarded-host': 'xlive-box.local' })).status, 200);
  });
});
