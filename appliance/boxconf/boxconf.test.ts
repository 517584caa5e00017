/**
 * Box settings against real files and the real xlive-provision (jq, wpa_passphrase): the rules refuse
 * hostile values with the field named; the spool never follows a link the service user planted and
 * re-checks what it reads; the applier hands xlive-provision only hostname/timezone/wifi on a throwaway
 * root, and its result never holds the Wi-Fi password; the facts are read from files and programs
 * without root, null when unknowable.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '../../core/logging/logger.js';
import { run } from '../update/deb-tools.js';
import { PACKAGE_ROOT } from '../../test/helpers/appliance.js';
import { checkBoxChange } from './box-change-rules.js';
import { gatherBoxFacts } from './box-facts.js';
import { BoxSettingsService } from './box-settings-service.js';
import { BoxconfApplier } from './boxconf-applier.js';
import { BoxconfResultFile } from './boxconf-result.js';
import { BoxconfSpool } from './boxconf-spool.js';

const PROVISION = join(PACKAGE_ROOT, 'scripts', 'image', 'rootfs', 'usr', 'local', 'sbin', 'xlive-provision');
const PSK = 'correct horse battery';
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `xlive-boxconf-${name}-`));

/** A root directory as the image has it: hostname, hosts, a zoneinfo with two zones. */
function fakeRoot(dir: string): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr/share/zoneinfo/Europe'), { recursive: true });
  writeFileSync(join(root, 'usr/share/zoneinfo/Europe/Berlin'), 'TZif');
  writeFileSync(join(root, 'usr/share/zoneinfo/UTC'), 'TZif');
  writeFileSync(join(root, 'etc/hostname'), 'xlive\n');
  writeFileSync(join(root, 'etc/hosts'), '127.0.0.1\tlocalhost\n127.0.1.1\txlive\n');
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
  return root;
}

function rejectsField(body: unknown, zoneinfo: string, field: string, leak?: string): void {
  assert.throws(
    () => checkBoxChange(body, zoneinfo),
    (err: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(err.code, 'VALIDATION_FAILED');
      assert.equal(err.details?.['field'], field, err.message);
      assert.ok(err.message.startsWith(`${field}:`), err.message);
      if (leak) assert.ok(!err.message.includes(leak) && !JSON.stringify(err.details).includes(leak), 'the value is not echoed');
      return true;
    },
  );
}

describe('box settings: the rules (the same as xlive-provision)', () => {
  const dir = tmp('rules');
  const zi = join(fakeRoot(dir), 'usr/share/zoneinfo');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a good change and normalizes the country', () => {
    assert.deepEqual(checkBoxChange({ hostname: 'stage-2', timezone: 'Europe/Berlin', wifi: { country: 'de', ssid: 'Venue "5G"', psk: PSK } }, zi), {
      hostname: 'stage-2',
      timezone: 'Europe/Berlin',
      wifi: { country: 'DE', ssid: 'Venue "5G"', psk: PSK },
    });
    assert.deepEqual(checkBoxChange({ wifi: null }, zi), { wifi: null });
    assert.deepEqual(checkBoxChange({ reboot: true }, zi), { reboot: true });
    rejectsField({ reboot: 'now' }, zi, 'reboot');
  });

  it('attack: a hostile hostname (shell, newline, upper case, too long) → 400 naming hostname', () => {
    for (const h of ['x;touch /tmp/p', 'stage\n127.0.0.1 evil', 'Stage', '-stage', 'a'.repeat(64), '', 'a b', 42]) rejectsField({ hostname: h }, zi, 'hostname');
  });

  it('attack: a time zone traversal or a name the box does not have → 400 naming timezone', () => {
    for (const tz of ['../../etc/passwd', '/etc/passwd', 'Europe/../../../etc/passwd', 'Europe/Paris', 'Europe/Berlin\n', '']) rejectsField({ timezone: tz }, zi, 'timezone');
  });

  it('attack: an SSID with a newline, a bad country, a short or long PSK → 400 naming the field, the PSK never echoed', () => {
    rejectsField({ wifi: { country: 'DE', ssid: 'Venue\nnetwork={', psk: PSK } }, zi, 'wifi.ssid');
    rejectsField({ wifi: { country: 'DE', ssid: 'x'.repeat(33), psk: PSK } }, zi, 'wifi.ssid');
    rejectsField({ wifi: { country: 'Germany', ssid: 'Venue', psk: PSK } }, zi, 'wifi.country');
    rejectsField({ wifi: { country: 'DE\n', ssid: 'Venue', psk: PSK } }, zi, 'wifi.country');
    rejectsField({ wifi: { country: 'DE', ssid: 'Venue', psk: 'short12' } }, zi, 'wifi.psk', 'short12');
    rejectsField({ wifi: { country: 'DE', ssid: 'Venue', psk: 'x'.repeat(64) } }, zi, 'wifi.psk');
    rejectsField({ wifi: { country: 'DE', ssid: 'Venue', psk: 'line\nbreak-password' } }, zi, 'wifi.psk', 'break-password');
    rejectsField({ wifi: { country: 'DE', ssid: 'Venue' } }, zi, 'wifi.psk');
  });

  it('attack: keys that are not box settings (admin, streamKeys, setupCode) and empty bodies are refused', () => {
    rejectsField({ hostname: 'ok', admin: { username: 'root', password: 'x' } }, zi, 'admin');
    rejectsField({ streamKeys: [] }, zi, 'streamKeys');
    rejectsField({ wifi: { country: 'DE', ssid: 'Venue', psk: PSK, setupCode: 'ABCDEFGH' } }, zi, 'wifi.setupCode');
    rejectsField({}, zi, 'body');
    rejectsField([], zi, 'body');
  });
});

describe('box settings: the spool', () => {
  const dir = tmp('spool');
  const zi = join(fakeRoot(dir), 'usr/share/zoneinfo');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('queues a request 0600 (it holds the password) and the helper takes it once', () => {
    const spool = new BoxconfSpool(join(dir, 'incoming'));
    const r = spool.submit({ hostname: 'stage-2', wifi: { country: 'DE', ssid: 'Venue', psk: PSK } }, 'user:admin');
    assert.match(r.id, /^b-\d{14}-[0-9a-f]{8}$/);
    assert.deepEqual(spool.pending(), [r.id]);
    assert.equal(statSync(join(dir, 'incoming', `${r.id}.json`)).mode & 0o777, 0o600);
    const taken = spool.take(r.id, zi);
    assert.deepEqual(taken.change, { hostname: 'stage-2', wifi: { country: 'DE', ssid: 'Venue', psk: PSK } });
    assert.equal(taken.by, 'user:admin');
    assert.deepEqual(spool.pending(), []);
  });

  it('attack: a request file replaced by a link to a root-only file is refused, not read, and removed', () => {
    const spool = new BoxconfSpool(join(dir, 'incoming2'));
    const secret = join(dir, 'shadow');
    writeFileSync(secret, JSON.stringify({ id: 'b-20261203120000-0badc0de', change: { hostname: 'from-the-link' } }));
    chmodSync(secret, 0o600);
    mkdirSync(join(dir, 'incoming2'));
    symlinkSync(secret, join(dir, 'incoming2', 'b-20261203120000-0badc0de.json'));
    assert.deepEqual(spool.pending(), ['b-20261203120000-0badc0de']);
    assert.throws(() => spool.take('b-20261203120000-0badc0de', zi), /symbolic link/);
    assert.equal(existsSync(join(dir, 'incoming2', 'b-20261203120000-0badc0de.json')), false);
    assert.ok(existsSync(secret), 'the link target is untouched');
  });

  it('attack: a forged request (hostile values, smuggled keys, another id, a huge file, a FIFO) is refused when taken', () => {
    const inc = join(dir, 'incoming3');
    mkdirSync(inc);
    const spool = new BoxconfSpool(inc);
    const put = (id: string, body: unknown) => writeFileSync(join(inc, `${id}.json`), typeof body === 'string' ? body : JSON.stringify(body));
    put('b-20261203120000-00000001', { id: 'b-20261203120000-00000001', change: { hostname: 'x;touch /tmp/p' } });
    put('b-20261203120000-00000002', { id: 'b-20261203120000-00000002', change: { hostname: 'ok', setupCode: 'ABCDEFGH' } });
    put('b-20261203120000-00000003', { id: 'b-20261203120000-99999999', change: { hostname: 'ok' } });
    put('b-20261203120000-00000004', 'x'.repeat(5000));
    for (const id of spool.pending()) assert.throws(() => spool.take(id, zi), { code: 'VALIDATION_FAILED' });
    assert.throws(() => spool.take('../../etc/passwd', zi), /malformed/);
    assert.deepEqual(spool.pending(), []);
  });
});

describe('box settings: the root helper on a throwaway root with the real xlive-provision', () => {
  const dir = tmp('apply');
  after(() => rmSync(dir, { recursive: true, force: true }));

  function applier(root: string, spool: BoxconfSpool, results: BoxconfResultFile, provision = PROVISION) {
    const work = join(dir, 'work');
    mkdirSync(work, { recursive: true, mode: 0o700 });
    return new BoxconfApplier({ spool, results, workDir: work, root, provision, run: (cmd, args) => run(cmd, args, { timeoutMs: 30_000 }), log: silentLogger() });
  }

  it('changes hostname, time zone and Wi-Fi there; the result names each and holds no password', async () => {
    const root = fakeRoot(join(dir, 'a'));
    const spool = new BoxconfSpool(join(dir, 'a', 'incoming'));
    const results = new BoxconfResultFile(join(dir, 'a', 'last.json'));
    spool.submit({ hostname: 'stage-2', timezone: 'Europe/Berlin', wifi: { country: 'DE', ssid: 'Venue "5G"', psk: PSK } }, 'user:admin');
    const [r] = await applier(root, spool, results).runPending();
    assert.equal(r!.state, 'applied', JSON.stringify(r));
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'stage-2\n');
    assert.match(readFileSync(join(root, 'etc/hosts'), 'utf8'), /^127\.0\.1\.1\tstage-2$/m);
    assert.equal(readlinkSync(join(root, 'etc/localtime')), '/usr/share/zoneinfo/Europe/Berlin');
    const conf = readFileSync(join(root, 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf'), 'utf8');
    assert.match(conf, /^country=DE$/m);
    assert.match(conf, /^\tssid=[0-9a-f]+$/m, 'the SSID is hex-encoded: its quotes cannot inject configuration');
    assert.match(conf, /^\tpsk=[0-9a-f]{64}$/m);
    assert.ok(!conf.includes(PSK));
    const text = readFileSync(join(dir, 'a', 'last.json'), 'utf8');
    assert.ok(!text.includes(PSK), 'no password in the result');
    assert.deepEqual(Object.keys(results.read()!.settings).sort(), ['hostname', 'timezone', 'wifi']);
    assert.ok(results.read()!.settings.wifi!.ok);
    assert.deepEqual(spool.pending(), []);
    assert.ok(!existsSync(join(dir, 'work', 'xlive-setup.json')) && !existsSync(join(dir, 'work', 'xlive-setup.applied.json')), 'no setup file left behind');
  });

  it('attack: a request with admin/streamKeys/setupCode smuggled beside or inside the change installs none of them', async () => {
    const root = fakeRoot(join(dir, 'b'));
    const inc = join(dir, 'b', 'incoming');
    mkdirSync(inc);
    const spool = new BoxconfSpool(inc);
    const results = new BoxconfResultFile(join(dir, 'b', 'last.json'));
    // What the helper hands xlive-provision is recorded by a wrapper, then run for real.
    const seen = join(dir, 'b', 'seen.json');
    const wrapper = join(dir, 'b', 'provision-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\ncp "$1" ${JSON.stringify(seen)}\nexec ${JSON.stringify(PROVISION)} "$@"\n`, { mode: 0o755 });
    const smuggled = { admin: { username: 'evil', password: 'x'.repeat(20) }, streamKeys: [{ path: 'live/x', key: 'k'.repeat(32) }], setupCode: 'ABCD-EFGH-JKMN' };
    writeFileSync(join(inc, 'b-20261203120000-0000000a.json'), JSON.stringify({ id: 'b-20261203120000-0000000a', ...smuggled, change: { hostname: 'stage-3' } }));
    const [beside] = await applier(root, spool, results, wrapper).runPending();
    assert.equal(beside!.state, 'applied');
    assert.deepEqual(JSON.parse(readFileSync(seen, 'utf8')), { hostname: 'stage-3' }, 'only the box settings reach xlive-provision');
    writeFileSync(join(inc, 'b-20261203120001-0000000b.json'), JSON.stringify({ id: 'b-20261203120001-0000000b', change: { hostname: 'stage-4', ...smuggled } }));
    const [inside] = await applier(root, spool, results, wrapper).runPending();
    assert.equal(inside!.state, 'refused');
    assert.match(inside!.message, /admin: is not a box setting/);
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'stage-3\n', 'the refused request changed nothing');
    assert.equal(existsSync(join(root, 'var/lib/xlive')), false, 'no setup code, admin or key written');
  });

  it('forgets the Wi-Fi network (wifi: null); a time zone missing from the root is refused by the helper\'s own check', async () => {
    const root = fakeRoot(join(dir, 'c'));
    const spool = new BoxconfSpool(join(dir, 'c', 'incoming'));
    const results = new BoxconfResultFile(join(dir, 'c', 'last.json'));
    spool.submit({ wifi: { country: 'DE', ssid: 'Venue', psk: PSK } }, 'user:admin');
    await applier(root, spool, results).runPending();
    const wants = join(root, 'etc/systemd/system/multi-user.target.wants/wpa_supplicant@wlan0.service');
    assert.ok(lstatSync(wants).isSymbolicLink());
    spool.submit({ wifi: null }, 'user:admin');
    const [forgot] = await applier(root, spool, results).runPending();
    assert.equal(forgot!.state, 'applied');
    assert.equal(existsSync(join(root, 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf')), false);
    assert.equal(existsSync(wants), false);
    // The time zone exists when the service checks, but not on this root: the helper's own check refuses it.
    rmSync(join(root, 'usr/share/zoneinfo/UTC'));
    spool.submit({ hostname: 'stage-5', timezone: 'UTC' }, 'user:admin');
    const [refused] = await applier(root, spool, results).runPending();
    assert.equal(refused!.state, 'refused');
    assert.equal(readFileSync(join(root, 'etc/hostname'), 'utf8'), 'xlive\n');
  });

  it('reboot: applied last, after the other settings and after the result is written; never on a test root', async () => {
    const root = fakeRoot(join(dir, 'r'));
    const spool = new BoxconfSpool(join(dir, 'r', 'incoming'));
    const results = new BoxconfResultFile(join(dir, 'r', 'last.json'));
    const work = join(dir, 'work');
    mkdirSync(work, { recursive: true, mode: 0o700 });
    const order: string[] = [];
    const live = {
      hostnameChanged: async () => void order.push('avahi'),
      wifiChanged: async () => void order.push('wpa'),
      wifiForgotten: async () => void order.push('wpa-stop'),
      reboot: async () => void order.push(`reboot after result ${results.read()?.state}`),
    };
    const a = new BoxconfApplier({ spool, results, workDir: work, root, provision: PROVISION, run: (cmd, args) => run(cmd, args, { timeoutMs: 30_000 }), log: silentLogger(), live });
    spool.submit({ hostname: 'stage-9', reboot: true }, 'user:admin');
    const [r] = await a.runPending();
    assert.equal(r!.state, 'applied', JSON.stringify(r));
    assert.deepEqual(order, ['avahi', 'reboot after result applied']);
    assert.match(r!.settings.reboot!.message, /rebooting/);
    // Without live actions (a test root) nothing reboots, and the result says so.
    spool.submit({ reboot: true }, 'user:admin');
    const [none] = await applier(root, spool, results).runPending();
    assert.equal(none!.state, 'failed');
    assert.match(none!.settings.reboot!.message, /not rebooted/);
  });

  it('a missing tool fails the request in words instead of guessing', async () => {
    const root = fakeRoot(join(dir, 'd'));
    const spool = new BoxconfSpool(join(dir, 'd', 'incoming'));
    const results = new BoxconfResultFile(join(dir, 'd', 'last.json'));
    spool.submit({ wifi: { country: 'DE', ssid: 'Venue', psk: PSK } }, 'user:admin');
    const work = join(dir, 'work');
    const a = new BoxconfApplier({ spool, results, workDir: work, root, provision: PROVISION, run: () => Promise.reject(new Error('unused')), log: silentLogger(), unavailable: 'jq is not installed (apt-get install jq)' });
    const [r] = await a.runPending();
    assert.equal(r!.state, 'failed');
    assert.match(r!.message, /jq is not installed/);
    assert.ok(!readFileSync(join(dir, 'd', 'last.json'), 'utf8').includes(PSK));
  });

  it('attack: a result file replaced by a link is not read by the service side', () => {
    const f = join(dir, 'link-last.json');
    writeFileSync(join(dir, 'forged.json'), JSON.stringify({ id: 'b-x', state: 'applied' }));
    symlinkSync(join(dir, 'forged.json'), f);
    assert.equal(new BoxconfResultFile(f).read(), null);
  });
});

describe('box settings: the facts', () => {
  const dir = tmp('facts');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads name, interfaces (wired, Wi-Fi with its SSID), time zone and NTP from files and programs', async () => {
    const etc = join(dir, 'etc');
    const net = join(dir, 'net');
    mkdirSync(etc);
    for (const [name, state, extra] of [['eth0', 'up', 'device'], ['wlan0', 'up', 'wireless'], ['lo', 'unknown', '']] as const) {
      mkdirSync(join(net, name, extra || 'x'), { recursive: true });
      writeFileSync(join(net, name, 'operstate'), `${state}\n`);
      writeFileSync(join(net, name, 'address'), '02:00:00:00:00:01\n');
    }
    writeFileSync(join(etc, 'hostname'), 'stage-2\n');
    symlinkSync('/usr/share/zoneinfo/Europe/Berlin', join(etc, 'localtime'));
    const calls: string[] = [];
    const facts = await gatherBoxFacts({
      etc,
      sysNet: net,
      timesync: join(dir, 'timesync'),
      now: () => new Date('2026-12-03T18:00:00Z'),
      program: async (cmd, args) => {
        calls.push(`${cmd} ${args.join(' ')}`);
        if (cmd === 'iw') return 'Connected to 02:00:00:00:00:02 (on wlan0)\n\tSSID: Venue "5G"\n\tfreq: 5180\n';
        if (cmd === 'timedatectl') return 'NTP=yes\nNTPSynchronized=no\n';
        return null;
      },
    });
    assert.equal(facts.hostname, 'stage-2');
    assert.deepEqual(facts.interfaces.map((i) => [i.name, i.kind, i.up, i.ssid]), [['eth0', 'wired', true, null], ['wlan0', 'wifi', true, 'Venue "5G"']]);
    assert.deepEqual(facts.timezone, { name: 'Europe/Berlin', source: '/etc/localtime' });
    assert.deepEqual(facts.ntp, { enabled: true, synchronized: false });
    assert.equal(facts.time, '2026-12-03T18:00:00.000Z');
    assert.ok(calls.every((c) => !c.includes(';')));
  });

  it('unknowable is null: no timedatectl, no iw/networkctl', async () => {
    const net = join(dir, 'net2');
    mkdirSync(join(net, 'wlan0', 'phy80211'), { recursive: true });
    writeFileSync(join(net, 'wlan0', 'operstate'), 'up\n');
    const facts = await gatherBoxFacts({ etc: join(dir, 'none'), sysNet: net, timesync: join(dir, 'none'), now: () => new Date(), program: async () => null });
    assert.equal(facts.interfaces[0]!.ssid, null);
    assert.deepEqual(facts.ntp, { enabled: null, synchronized: null });
    assert.equal(facts.timezone.source, 'runtime');
  });
});

describe('box settings: the service side', () => {
  const dir = tmp('service');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('one change at a time; a request the helper never took stops blocking after 2 minutes', () => {
    const zi = join(fakeRoot(dir), 'usr/share/zoneinfo');
    mkdirSync(join(dir, 'state'));
    const events: unknown[] = [];
    const kv = new Map<string, unknown>();
    const svc = new BoxSettingsService({
      stateDir: join(dir, 'state'),
      dataDir: join(dir, 'data'),
      httpPort: () => 8080,
      zoneinfoDir: zi,
      gather: () => Promise.reject(new Error('unused')),
      kv: { get: (o: string, k: string) => kv.get(`${o}/${k}`), set: (o: string, k: string, v: unknown) => void kv.set(`${o}/${k}`, v) },
      events: { record: (_s: string, e: unknown) => (events.push(e), e) } as never,
      log: silentLogger(),
    });
    const first = svc.change({ hostname: 'stage-2', wifi: { country: 'DE', ssid: 'Venue', psk: PSK } }, 'user:admin');
    assert.throws(() => svc.change({ hostname: 'stage-3' }, 'user:admin'), { code: 'CONFLICT' });
    assert.ok(!JSON.stringify(events).includes(PSK), 'no password in the event');
    const file = join(dir, 'data', 'boxconf', 'incoming', `${first.id}.json`);
    const old = (Date.now() - 3 * 60_000) / 1000;
    utimesSync(file, old, old);
    assert.match(svc.lastChange()!.message, /xlive-boxconf\.path/);
    const second = svc.change({ hostname: 'stage-3' }, 'user:admin');
    assert.equal(existsSync(file), false, 'the stale request is withdrawn');
    assert.deepEqual(svc.spool.pending(), [second.id]);
  });
});
