/**
 * The systemd files the package ships (`systemd/`), checked with the real systemd tools (Debian
 * package `systemd`, v252 on Debian 12; systemd does not have to be PID 1): the unit's offline
 * security exposure stays <= 1.5, `systemd-analyze verify` is clean for every unit and drop-in example,
 * sysusers.d makes the system user and tmpfiles.d its directories in a throwaway root. Then the real
 * box runs under the unit's own system call filter (computed from its SystemCallFilter= lines, loaded
 * with seccomp by test/helpers/seccomp-exec.py), its umask and LimitNOFILE: it boots, takes an admin,
 * a stream key, an ffmpeg publish, serves HLS, gathers its system facts (child processes) and notifies
 * systemd (READY, WATCHDOG) through systemd-notify, while root under the same filter cannot chown,
 * setuid or renice.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { startPublisher, waitFor, type Peer } from '../helpers/media-peers.js';
import { call, signIn, type Creds } from '../../plugins/auth-local/testing/http-client.js';
import { execBinaries, securityExposure, syscallGroups, systemdTool, unitSyscallAllowList, verifyRoot, verifyUnit } from '../helpers/systemd-tools.js';

const SYSTEMD_DIR = join(PACKAGE_ROOT, 'systemd');
const UNIT_FILE = join(SYSTEMD_DIR, 'xlive.service');
const DROP_IN_DIR = join(SYSTEMD_DIR, 'xlive.service.d');
const SECCOMP_EXEC = join(PACKAGE_ROOT, 'test', 'helpers', 'seccomp-exec.py');
const MAX_EXPOSURE = 1.5;
const EPERM = 1;

const unitText = (): string => readFileSync(UNIT_FILE, 'utf8');
const unitFiles = (): string[] => readdirSync(SYSTEMD_DIR).filter((f) => /\.(service|socket|timer|path|target|mount)$/.test(f)).sort();
const dropInExamples = (): string[] => readdirSync(DROP_IN_DIR).filter((f) => f.endsWith('.conf.example')).sort();
/** `Key=value` settings of a unit text (last one wins, as for single-valued systemd settings). */
const setting = (text: string, key: string): string | undefined => [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].pop()?.[1];

function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `xlive-${tag}-`));
}

describe('systemd unit: hardening score and verify', () => {
  it(`scores an overall exposure <= ${MAX_EXPOSURE} with systemd-analyze security --offline=true`, () => {
    const { exposure, report } = securityExposure(UNIT_FILE);
    assert.ok(exposure <= MAX_EXPOSURE, `exposure ${exposure} > ${MAX_EXPOSURE}:\n${report}`);
    // V8's JIT needs writable+executable memory: the one setting that would break Node stays off.
    assert.equal(setting(unitText(), 'MemoryDenyWriteExecute'), undefined);
    assert.match(report, /✗ MemoryDenyWriteExecute=/);
  });

  it('runs the bundled Node on the packaged CLI as the xlive user, notifying with a watchdog', () => {
    const t = unitText();
    assert.match(setting(t, 'ExecStart') ?? '', /^\/usr\/lib\/xlive\/bin\/node .*\/usr\/lib\/xlive\/dist\/appliance\/cli\/main\.js serve$/);
    assert.equal(setting(t, 'User'), 'xlive');
    assert.equal(setting(t, 'Group'), 'xlive');
    assert.equal(setting(t, 'Type'), 'notify');
    assert.equal(setting(t, 'NotifyAccess'), 'all', 'systemd-notify is a child of node: it must be allowed to notify');
    assert.match(setting(t, 'WatchdogSec') ?? '', /^\d+s$/);
    assert.equal(setting(t, 'Restart'), 'on-failure');
    const unitSection = t.slice(t.indexOf('[Unit]'), t.indexOf('[Service]'));
    assert.match(unitSection, /^StartLimitIntervalSec=\S+$/m, 'the start limit lives in [Unit]');
    assert.match(unitSection, /^StartLimitBurst=\d+$/m);
    assert.equal(setting(t, 'CapabilityBoundingSet'), '', 'no capabilities by default');
    assert.equal(setting(t, 'AmbientCapabilities'), '');
  });

  it('systemd-analyze verify is clean for every unit, with and without each drop-in example', () => {
    const units = Object.fromEntries(unitFiles().map((f) => [f, readFileSync(join(SYSTEMD_DIR, f), 'utf8')]));
    assert.ok('xlive.service' in units);
    const binaries = Object.values(units).flatMap(execBinaries);
    const roots: string[] = [];
    try {
      const root = verifyRoot({ units, binaries });
      roots.push(root);
      for (const unit of Object.keys(units)) {
        const r = verifyUnit(root, unit);
        assert.equal(r.code, 0, `${unit}: ${r.stdout}${r.stderr}`);
        assert.equal(r.stdout + r.stderr, '', `${unit}: verify printed warnings`);
      }
      for (const example of dropInExamples()) {
        const conf = example.replace(/\.example$/, '');
        const withDropIn = verifyRoot({ units, binaries, dropIns: { 'xlive.service': { [conf]: readFileSync(join(DROP_IN_DIR, example), 'utf8') } } });
        roots.push(withDropIn);
        const r = verifyUnit(withDropIn, 'xlive.service');
        assert.equal(r.code, 0, `xlive.service + ${conf}: ${r.stdout}${r.stderr}`);
        assert.equal(r.stdout + r.stderr, '', `xlive.service + ${conf}: verify printed warnings`);
      }
      // The check has teeth: a unit whose ExecStart binary is missing, or with a misspelt key, is reported.
      const broken = verifyRoot({ units: { ...units, 'xlive.service': units['xlive.service']!.replace(/^UMask=/m, 'UMaks=') }, binaries: [] });
      roots.push(broken);
      const r = verifyUnit(broken, 'xlive.service');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /is not executable/);
      assert.match(r.stderr, /Unknown key 'UMaks'/);
    } finally {
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    }
  });

  it('the drop-in examples add only what they say, and are not active as shipped', () => {
    assert.deepEqual(dropInExamples(), ['low-ports.conf.example', 'video-device.conf.example']);
    const lowPorts = readFileSync(join(DROP_IN_DIR, 'low-ports.conf.example'), 'utf8');
    assert.equal(setting(lowPorts, 'CapabilityBoundingSet'), 'CAP_NET_BIND_SERVICE');
    assert.equal(setting(lowPorts, 'AmbientCapabilities'), 'CAP_NET_BIND_SERVICE');
    assert.equal(setting(lowPorts, 'PrivateUsers'), 'no', 'a capability inside a private user namespace does not bind host ports');
    const video = readFileSync(join(DROP_IN_DIR, 'video-device.conf.example'), 'utf8');
    assert.equal(setting(video, 'DeviceAllow'), '/dev/video0 rw');
    assert.equal(setting(unitText(), 'DevicePolicy'), 'closed', 'the device allow list stays closed to everything else');
    // Each example's exposure, as docs/appliance.md states it (the unit with the drop-in appended).
    for (const example of dropInExamples()) {
      const dir = tempDir('dropin');
      try {
        const merged = join(dir, 'xlive.service');
        writeFileSync(merged, `${unitText()}\n${readFileSync(join(DROP_IN_DIR, example), 'utf8')}`);
        const { exposure } = securityExposure(merged);
        assert.ok(exposure > securityExposure(UNIT_FILE).exposure && exposure <= 2, `${example}: ${exposure}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});

describe('sysusers.d and tmpfiles.d', () => {
  let root: string;
  before(() => {
    root = tempDir('sysroot');
    mkdirSync(join(root, 'etc'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('systemd-sysusers creates the system user and group xlive (home /var/lib/xlive, nologin), once', () => {
    for (let i = 0; i < 2; i++) {
      const r = systemdTool('systemd-sysusers', [`--root=${root}`, join(SYSTEMD_DIR, 'sysusers.d', 'xlive.conf')]);
      assert.equal(r.code, 0, r.stderr);
    }
    const passwd = readFileSync(join(root, 'etc', 'passwd'), 'utf8').trim().split('\n');
    assert.equal(passwd.length, 1, passwd.join('\n'));
    const [name, , uid, gid, , home, shell] = passwd[0]!.split(':');
    assert.equal(name, 'xlive');
    assert.ok(Number(uid) > 0 && Number(uid) < 1000, `a system uid: ${uid}`);
    assert.equal(home, '/var/lib/xlive');
    assert.equal(shell, '/usr/sbin/nologin');
    const group = readFileSync(join(root, 'etc', 'group'), 'utf8').trim().split('\n');
    assert.deepEqual(group, [`xlive:x:${gid}:`]);
    assert.match(readFileSync(join(root, 'etc', 'shadow'), 'utf8'), /^xlive:!\*?:/m, 'no password: the account cannot log in');
  });

  it('systemd-tmpfiles creates the state and plugin directories xlive:xlive 0750, as the unit does', () => {
    const r = systemdTool('systemd-tmpfiles', ['--create', `--root=${root}`, join(SYSTEMD_DIR, 'tmpfiles.d', 'xlive.conf')]);
    assert.equal(r.code, 0, r.stderr);
    const [uid, gid] = readFileSync(join(root, 'etc', 'passwd'), 'utf8').split(':').slice(2, 4).map(Number);
    for (const dir of ['var/lib/xlive', 'var/lib/xlive/plugins']) {
      const st = statSync(join(root, dir));
      assert.ok(st.isDirectory(), dir);
      assert.equal(st.mode & 0o7777, 0o750, `${dir} mode ${(st.mode & 0o7777).toString(8)}`);
      assert.deepEqual([st.uid, st.gid], [uid, gid], dir);
    }
    // One policy: the unit's StateDirectory/RuntimeDirectory agree with the tmpfiles lines.
    const t = unitText();
    assert.equal(setting(t, 'StateDirectory'), 'xlive');
    assert.equal(setting(t, 'StateDirectoryMode'), '0750');
    assert.equal(setting(t, 'RuntimeDirectory'), 'xlive');
    assert.equal(setting(t, 'RuntimeDirectoryMode'), '0750');
    assert.equal(setting(t, 'Environment=XLIVE_PLUGINS_DIR'), '/var/lib/xlive/plugins');
  });
});

/** A unix datagram socket (Node has none) that prints each sd_notify message as a JSON line. */
function notifyListener(path: string): { messages(): string[]; stop(): Promise<void>; ready: Promise<void> } {
  const code = [
    'import json, socket, sys',
    's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
    's.bind(sys.argv[1])',
    "print('bound', flush=True)",
    's.settimeout(120)',
    'while True:',
    '    data, anc, flags, addr = s.recvmsg(4096, 4096)',
    '    print(json.dumps(data.decode()), flush=True)',
  ].join('\n');
  const child = spawn('python3', ['-c', code, path], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buf = '';
  let bound: () => void = () => undefined;
  const ready = new Promise<void>((r) => (bound = r));
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line === 'bound') bound();
      else if (lines.length < 1000) lines.push(JSON.parse(line) as string);
    }
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    ready,
    messages: () => [...lines],
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('the box under the unit system call filter, umask and LimitNOFILE', () => {
  let work: string;
  let allowFile: string;
  let app: ApplianceHandle | undefined;
  let notify: ReturnType<typeof notifyListener> | undefined;
  let publisher: Peer | undefined;
  let admin: Creds;

  const filtered = (cmd: string, args: string[]) =>
    spawnSync('python3', [SECCOMP_EXEC, allowFile, String(EPERM), '--', cmd, ...args], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });

  before(async () => {
    work = tempDir('seccomp');
    allowFile = join(work, 'allow');
    const allow = unitSyscallAllowList(unitText(), syscallGroups());
    writeFileSync(allowFile, allow.join('\n'));
    assert.equal(setting(unitText(), 'SystemCallErrorNumber'), 'EPERM');
    mkdirSync(join(work, 'data'));
    notify = notifyListener(join(work, 'notify'));
    await notify.ready;
    app = await startAppliance({
      dataDir: join(work, 'data'),
      wrap: ['python3', SECCOMP_EXEC, allowFile, String(EPERM), '--'],
      openFileLimit: Number(setting(unitText(), 'LimitNOFILE')),
      timeoutMs: 60_000,
      env: { NOTIFY_SOCKET: join(work, 'notify'), WATCHDOG_USEC: '2000000', NODE_ENV: 'production' },
    });
  });
  after(async () => {
    await publisher?.stop();
    await app?.stop();
    await notify?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('the filter is the unit one: @privileged and @resources out, what Node needs in', () => {
    const allow = new Set(readFileSync(allowFile, 'utf8').split('\n'));
    for (const denied of ['chown', 'fchown', 'setuid', 'setresuid', 'capset', 'setrlimit', 'setpriority', 'sched_setaffinity', 'mount', 'ptrace', 'bpf']) assert.ok(!allow.has(denied), denied);
    for (const needed of ['mmap', 'mprotect', 'epoll_pwait', 'io_uring_setup', 'clone3', 'execve', 'socket', 'sendmsg', 'prlimit64', 'getrlimit', 'fdatasync']) assert.ok(allow.has(needed), needed);
  });

  it('attack: under the filter even root cannot chown, change uid or renice; the box keeps serving', async () => {
    // To our own uid/gid: allowed to anyone without the filter, so only the filter can refuse it.
    const me = `${process.getuid!()}:${process.getgid!()}`;
    const file = join(work, 'owned');
    writeFileSync(file, 'x');
    assert.equal(spawnSync('chown', [me, file]).status, 0, 'control: chown works without the filter');
    const chown = filtered('chown', [me, file]);
    assert.notEqual(chown.status, 0);
    assert.match(chown.stderr, /Operation not permitted/);
    assert.equal(spawnSync('setpriv', [`--reuid=${process.getuid!()}`, 'true']).status, 0, 'control: setresuid works without the filter');
    const setuid = filtered('setpriv', [`--reuid=${process.getuid!()}`, 'true']);
    assert.notEqual(setuid.status, 0, setuid.stderr);
    const renice = filtered('nice', ['-n', '5', 'true']);
    assert.match(renice.stderr, /cannot set niceness: Operation not permitted/);
    assert.equal(filtered('true', []).status, 0, 'a harmless program runs under the same filter');
    assert.equal((await fetch(`${app!.httpUrl}/readyz`)).status, 200);
  });

  it('boots, notifies READY and pings the watchdog through systemd-notify, within LimitNOFILE without clamping', async () => {
    // The box itself runs filtered (seccomp mode 2) with no_new_privs, as systemd would start it.
    const status = readFileSync(`/proc/${app!.child.pid}/status`, 'utf8');
    assert.match(status, /^Seccomp:\s+2$/m);
    assert.match(status, /^NoNewPrivs:\s+1$/m);
    assert.match(readFileSync(`/proc/${app!.child.pid}/limits`, 'utf8'), new RegExp(`^Max open files\\s+${setting(unitText(), 'LimitNOFILE')}\\s+${setting(unitText(), 'LimitNOFILE')}`, 'm'));
    const ready = await fetch(`${app!.httpUrl}/readyz`);
    assert.equal(ready.status, 200, await ready.text());
    assert.ok(await waitFor(() => notify!.messages().some((m) => m.includes('WATCHDOG=1')), 15_000), `notify messages: ${JSON.stringify(notify!.messages())}`);
    const readyMsg = notify!.messages().find((m) => m.includes('READY=1'));
    assert.ok(readyMsg, JSON.stringify(notify!.messages()));
    assert.match(readyMsg, new RegExp(`MAINPID=${app!.child.pid}`), 'the main pid is the filtered node (the wrappers exec)');
    assert.doesNotMatch(app!.output(), /clamp/i);
    assert.doesNotMatch(app!.output(), /systemd-notify .* failed/);
  });

  it('an admin, a stream key, an ffmpeg publish and HLS playback work; files are private (UMask=0077)', async () => {
    admin = await signIn(app!.httpUrl, 'admin', 'systemd unit e2e password');
    const key = await call(app!.httpUrl, 'POST', '/api/v1/stream-keys', admin, { path: 'live/stage' });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    publisher = startPublisher(`${app!.rtmpUrl}/live/${String(key.body['key'])}`, 40);
    let playlist = '';
    assert.ok(
      await waitFor(async () => {
        const r = await call<string>(app!.httpUrl, 'GET', '/hls/live/stage/index.m3u8', admin);
        playlist = typeof r.body === 'string' ? r.body : '';
        return r.status === 200 && playlist.split('\n').some((l) => l !== '' && !l.startsWith('#'));
      }, 30_000),
      `HLS playlist: ${playlist}\n${publisher.stderr()}\n${app!.output().slice(-3000)}`,
    );
    const segment = playlist.split('\n').find((l) => l && !l.startsWith('#'))!;
    const seg = await fetch(new URL(segment, `${app!.httpUrl}/hls/live/stage/index.m3u8`), { headers: { cookie: admin.cookie! } });
    assert.equal(seg.status, 200);
    assert.ok((await seg.arrayBuffer()).byteLength > 1000);
    const loose: string[] = [];
    const walk = (dir: string, depth: number): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isFile() && (statSync(p).mode & 0o077) !== 0) loose.push(`${p} ${(statSync(p).mode & 0o777).toString(8)}`);
        if (e.isDirectory() && depth < 6) walk(p, depth + 1);
      }
    };
    walk(app!.dataDir, 0);
    assert.deepEqual(loose, [], 'no file of the box is readable by group or others');
  });

  it('gathers its system facts (systeminformation runs child processes) under the filter', async () => {
    let body: { facts: { os: { platform: string } | null; cpu: unknown; memory: unknown } | null } | undefined;
    assert.ok(
      await waitFor(async () => {
        const r = await call<typeof body>(app!.httpUrl, 'GET', '/api/v1/system', admin);
        body = r.body;
        return r.status === 200 && Boolean(r.body?.facts?.os);
      }, 30_000),
      JSON.stringify(body),
    );
    assert.equal(body!.facts!.os!.platform, 'linux');
    assert.ok(body!.facts!.cpu && body!.facts!.memory, JSON.stringify(body!.facts));
    assert.equal((await fetch(`${app!.httpUrl}/readyz`)).status, 200, 'still ready');
  });
});
