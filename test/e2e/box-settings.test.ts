/**
 * Box settings (hostname, network, time zone) through a real running box (the `serve` CLI):
 * the facts are read without root; a box not installed from the package refuses changes with 409
 * BOX_SETTINGS_UNSUPPORTED in words; only system:admin may change (a viewer, an operator, a read
 * token are refused and nothing is queued); hostile values are refused with the field named and the
 * Wi-Fi password never echoed. On a box with the helper's directory, a change is queued 0600 in the
 * spool, and the real root helper (`dist/appliance/boxconf/boxconf-main.js`, here on a throwaway root
 * with the real xlive-provision) applies it: the box then reports the result and a `box.changed` event,
 * and the password is nowhere — not in answers, events, the result, nor the box's log.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, makeToken, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { securityExposure, syscallGroups, unitSyscallAllowList } from '../helpers/systemd-tools.js';
import { waitUntil } from '../helpers/wait.js';

const PW = 'box settings password 1';
const PSK = 'venue wifi secret 42';
const BOX = '/api/v1/system/box';
const PROVISION = join(PACKAGE_ROOT, 'scripts', 'image', 'rootfs', 'usr', 'local', 'sbin', 'xlive-provision');
const HELPER = join(PACKAGE_ROOT, 'dist', 'appliance', 'boxconf', 'boxconf-main.js');
const UNIT = join(PACKAGE_ROOT, 'systemd', 'xlive-boxconf.service');
const SECCOMP_EXEC = join(PACKAGE_ROOT, 'test', 'helpers', 'seccomp-exec.py');
const EPERM = 1;

/** A throwaway root as the image has it (xlive-provision's ROOT). */
function fakeRoot(root: string): void {
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr/share/zoneinfo/Europe'), { recursive: true });
  writeFileSync(join(root, 'usr/share/zoneinfo/Europe/Berlin'), 'TZif');
  writeFileSync(join(root, 'etc/hostname'), 'xlive\n');
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n127.0.1.1\txlive\n');
}

function spooled(app: ApplianceHandle): string[] {
  const dir = join(app.dataDir, 'boxconf', 'incoming');
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe('box settings on a box not installed from the package', () => {
  let app: ApplianceHandle;
  let admin: Creds;
  const users: Record<string, Creds> = {};

  before(async () => {
    app = await startAppliance();
    admin = await signIn(app.httpUrl, 'admin', PW);
    for (const role of ['operator', 'viewer']) {
      assert.equal((await call(app.httpUrl, 'POST', '/api/v1/users', admin, { username: role, password: PW, role })).status, 201);
      users[role] = await signIn(app.httpUrl, role, PW, true);
    }
    users['read-token'] = { token: (await makeToken(app.httpUrl, admin, ['system:read'])).token };
  });
  after(async () => {
    await app?.stop();
  });

  it('GET: hostname, .local link, interfaces, time zone, clock, NTP; supported false with the reason', async () => {
    const r = await call(app.httpUrl, 'GET', BOX, users['viewer']);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const b = r.body as Record<string, any>;
    assert.match(b['hostname'], /^\S+$/);
    assert.equal(b['mdnsUrl'], `http://${b['hostname']}.local:${new URL(app.httpUrl).port}/`);
    assert.ok(Array.isArray(b['interfaces']));
    for (const i of b['interfaces']) assert.ok(['wired', 'wifi', 'other'].includes(i.kind) && typeof i.up === 'boolean' && i.name !== 'lo');
    assert.ok(typeof b['timezone']['name'] === 'string' && b['timezone']['name'].length > 0);
    assert.ok(Math.abs(Date.parse(b['time']) - Date.now()) < 60_000);
    assert.ok([true, false, null].includes(b['ntp']['synchronized']));
    assert.equal(b['supported'], false);
    assert.match(b['reason'], /not installed from the xlive Debian package/);
    assert.equal(b['lastChange'], null);
  });

  it('PUT by an admin → 409 BOX_SETTINGS_UNSUPPORTED saying how (the image or the package); nothing queued', async () => {
    const r = await call(app.httpUrl, 'PUT', BOX, admin, { hostname: 'stage-2' });
    assert.equal(r.status, 409);
    assert.equal(r.body['code'], 'BOX_SETTINGS_UNSUPPORTED');
    assert.match(String(r.body['detail']), /appliance image or install the package/);
    assert.deepEqual(spooled(app), []);
  });

  it('attack: no credentials → 401; a viewer, an operator, a system:read token → 403; nothing queued', async () => {
    assert.equal((await call(app.httpUrl, 'PUT', BOX, {}, { hostname: 'stage-2' })).status, 401);
    for (const [who, creds] of Object.entries(users)) {
      const r = await call(app.httpUrl, 'PUT', BOX, creds, { hostname: 'pwned', wifi: { country: 'DE', ssid: 'Evil', psk: PSK } });
      assert.equal(r.status, 403, `${who}: ${JSON.stringify(r.body)}`);
    }
    assert.deepEqual(spooled(app), []);
  });

  it('the time zone list is a bounded, paged list of names', async () => {
    const first = await call(app.httpUrl, 'GET', '/api/v1/system/timezones?limit=500', users['viewer']);
    assert.equal(first.status, 200);
    const items = first.body['items'] as string[];
    assert.ok(items.includes('Europe/Berlin') && items.includes('UTC'), 'zone names from /usr/share/zoneinfo');
    const page = await call(app.httpUrl, 'GET', '/api/v1/system/timezones?limit=2', users['viewer']);
    assert.equal((page.body['items'] as string[]).length, 2);
    const next = await call(app.httpUrl, 'GET', `/api/v1/system/timezones?limit=2&cursor=${page.body['next']}`, users['viewer']);
    assert.deepEqual(next.body['items'], items.slice(2, 4));
  });
});

describe('box settings on a box with the root helper (its directory), applied by the real helper', () => {
  let work: string;
  let stateDir: string;
  let root: string;
  let app: ApplianceHandle;
  let admin: Creds;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'xlive-box-settings-'));
    stateDir = join(work, 'xlive-boxconf');
    mkdirSync(stateDir);
    mkdirSync(join(work, 'data'));
    mkdirSync(join(work, 'etc'));
    root = join(work, 'root');
    fakeRoot(root);
    app = await startAppliance({ dataDir: join(work, 'data'), env: { XLIVE_BOX_STATE_DIR: stateDir } });
    admin = await signIn(app.httpUrl, 'admin', PW);
  });
  after(async () => {
    await app?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('attack: hostile values → 400 naming the field, the password never echoed; nothing queued', async () => {
    const cases: [unknown, string][] = [
      [{ hostname: 'x;touch /tmp/p' }, 'hostname'],
      [{ timezone: '../../etc/passwd' }, 'timezone'],
      [{ wifi: { country: 'DE', ssid: 'Venue"\nnetwork={', psk: PSK } }, 'wifi.ssid'],
      [{ wifi: { country: 'DE', ssid: 'Venue', psk: 'short12' } }, 'wifi.psk'],
      [{ hostname: 'ok', setupCode: 'ABCD-EFGH' }, 'body.setupCode'],
      [{ wifi: { country: 'DE', ssid: 'Venue', psk: 12345678 } }, 'body.wifi.psk'],
    ];
    for (const [body, field] of cases) {
      const r = await call(app.httpUrl, 'PUT', BOX, admin, body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body['code'], 'VALIDATION_FAILED');
      assert.equal(r.body['field'], field, JSON.stringify(r.body));
      assert.ok(!JSON.stringify(r.body).includes('short12') && !JSON.stringify(r.body).includes('12345678'), 'no password in the answer');
    }
    assert.deepEqual(spooled(app), []);
    assert.ok(!existsSync('/tmp/p'));
  });

  it('queues a change (202, 0600, one at a time), the helper applies it, the box reports it; the password is nowhere', async () => {
    const r = await call(app.httpUrl, 'PUT', BOX, admin, { hostname: 'stage-2', timezone: 'Europe/Berlin', wifi: { country: 'de', ssid: 'Venue "5G"', psk: PSK } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const id = String(r.body['id']);
    assert.deepEqual(spooled(app), [`${id}.json`]);
    assert.equal(statSync(join(app.dataDir, 'boxconf', 'incoming', `${id}.json`)).mode & 0o777, 0o600);
    const again = await call(app.httpUrl, 'PUT', BOX, admin, { hostname: 'stage-3' });
    assert.equal(again.status, 409, 'one change at a time');
    assert.equal(again.body['code'], 'CONFLICT');
    const queued = await call(app.httpUrl, 'GET', BOX, admin);
    assert.equal(queued.body['supported'], true);
    assert.deepEqual([(queued.body['lastChange'] as any).id, (queued.body['lastChange'] as any).state], [id, 'queued']);

    // What xlive-boxconf.service runs (as root on a box; here on the throwaway root, as this user).
    const helper = spawnSync(process.execPath, [HELPER], {
      env: { PATH: process.env['PATH'], XLIVE_CONFIG_DIR: join(work, 'etc'), XLIVE_DATA_DIR: app.dataDir, XLIVE_BOX_STATE_DIR: stateDir, XLIVE_BOXCONF_ROOT: root, XLIVE_PROVISION: PROVISION },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(helper.status, 0, helper.stdout + helper.stderr);
    assert.ok(!(helper.stdout + helper.stderr).includes(PSK), 'no password in the helper log');
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'stage-2\n');
    assert.equal(readlinkSync(join(root, 'etc/localtime')), '/usr/share/zoneinfo/Europe/Berlin');
    assert.match(readFileSync(join(root, 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf'), 'utf8'), /^country=DE$/m);
    assert.deepEqual(spooled(app), []);

    const done = await call(app.httpUrl, 'GET', BOX, admin);
    const last = done.body['lastChange'] as Record<string, any>;
    assert.equal(last['id'], id);
    assert.equal(last['state'], 'applied', JSON.stringify(last));
    assert.equal(last['by'], 'user:admin');
    assert.deepEqual(Object.keys(last['settings']).sort(), ['hostname', 'timezone', 'wifi']);
    const ev = await waitUntil('the box.changed event', async () => {
      const e = await call(app.httpUrl, 'GET', '/api/v1/events?type=box.changed', admin);
      return (e.body['items'] as unknown[]).length > 0 ? e : undefined;
    }, 20_000, 500);
    const requested = await call(app.httpUrl, 'GET', '/api/v1/events?type=box.change-requested', admin);
    assert.equal((requested.body['items'] as unknown[]).length, 1);
    for (const text of [JSON.stringify(done.body), JSON.stringify(ev.body), JSON.stringify(requested.body), readFileSync(join(stateDir, 'last.json'), 'utf8'), app.output()]) {
      assert.ok(!text.includes(PSK), 'the Wi-Fi password is nowhere');
    }
    assert.match(JSON.stringify(requested.body), /Venue \\"5G\\"/);
  });
});

describe('xlive-boxconf.service: its hardening, and the helper under its own system call filter', () => {
  let work: string;
  let allowFile: string;
  const filtered = (allow: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, prefix: string[] = []) =>
    spawnSync(prefix[0] ?? 'python3', [...prefix.slice(1), ...(prefix.length ? ['python3'] : []), SECCOMP_EXEC, allow, String(EPERM), '--', cmd, ...args], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', env });

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'xlive-boxconf-unit-'));
    allowFile = join(work, 'allow');
    writeFileSync(allowFile, unitSyscallAllowList(readFileSync(UNIT, 'utf8'), syscallGroups()).join('\n'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('scores an exposure <= 1.5 (systemd-analyze security --offline) while running as root to change /etc', () => {
    const { exposure, report } = securityExposure(UNIT);
    assert.ok(exposure <= 1.5, `exposure ${exposure}:\n${report}`);
  });

  it('the real helper applies hostname, time zone and Wi-Fi on a throwaway root under the unit\'s filter', () => {
    const root = join(work, 'root');
    fakeRoot(root);
    mkdirSync(join(work, 'data', 'boxconf', 'incoming'), { recursive: true });
    mkdirSync(join(work, 'state'));
    mkdirSync(join(work, 'etc'));
    const id = 'b-20261203120000-0000cafe';
    writeFileSync(join(work, 'data', 'boxconf', 'incoming', `${id}.json`), JSON.stringify({ id, by: 'user:admin', change: { hostname: 'stage-9', timezone: 'Europe/Berlin', wifi: { country: 'DE', ssid: 'Venue', psk: PSK } } }));
    const env = { PATH: process.env['PATH'], XLIVE_CONFIG_DIR: join(work, 'etc'), XLIVE_DATA_DIR: join(work, 'data'), XLIVE_BOX_STATE_DIR: join(work, 'state'), XLIVE_BOXCONF_ROOT: root, XLIVE_PROVISION: PROVISION };
    const r = filtered(allowFile, process.execPath, [HELPER], env);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'stage-9\n');
    assert.equal(readlinkSync(join(root, 'etc/localtime')), '/usr/share/zoneinfo/Europe/Berlin');
    assert.ok(existsSync(join(root, 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf')));
    assert.match(readFileSync(join(work, 'state', 'last.json'), 'utf8'), /"state":"applied"/);
  });

  it('sethostname is allowed under its filter (in a private UTS namespace), and refused under xlive.service\'s', () => {
    const r = filtered(allowFile, 'hostname', ['boxconf-seccomp-probe'], process.env, ['unshare', '--uts', '--']);
    assert.equal(r.status, 0, r.stderr);
    const serviceAllow = join(work, 'allow-service');
    writeFileSync(serviceAllow, unitSyscallAllowList(readFileSync(join(PACKAGE_ROOT, 'systemd', 'xlive.service'), 'utf8'), syscallGroups()).join('\n'));
    const refused = filtered(serviceAllow, 'hostname', ['boxconf-seccomp-probe'], process.env, ['unshare', '--uts', '--']);
    assert.notEqual(refused.status, 0, 'the service itself cannot rename the box');
    assert.match(refused.stderr, /not permitted|must be root/i, 'EPERM from the filter (hostname words it so)');
  });
});
