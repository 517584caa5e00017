import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, stat } from 'node:fs/promises';
import { hostname as osHostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';

/** One network interface as the panel shows it. */
export interface InterfaceFacts {
  name: string;
  kind: 'wired' | 'wifi' | 'other';
  /** The kernel's operstate is `up` (a cable, an association). */
  up: boolean;
  state: string;
  mac: string | null;
  addresses: { address: string; family: 'IPv4' | 'IPv6'; prefix: number }[];
  /** Wi-Fi only: the network it is connected to, null when not connected or not knowable without root. */
  ssid: string | null;
}

export interface BoxFacts {
  hostname: string;
  interfaces: InterfaceFacts[];
  timezone: { name: string; source: '/etc/timezone' | '/etc/localtime' | 'runtime' };
  time: string;
  /** From timedatectl (systemd-timesyncd); null when not knowable here. */
  ntp: { enabled: boolean | null; synchronized: boolean | null };
}

export type ReadProgram = (cmd: string, args: string[]) => Promise<string | null>;

export interface BoxFactsSources {
  /** `/etc` (a test root's otherwise). */
  etc: string;
  /** `/sys/class/net`. */
  sysNet: string;
  /** `/run/systemd/timesync` (timesyncd touches `synchronized` there once synchronized). */
  timesync: string;
  program: ReadProgram;
  now: () => Date;
}

const MAX_INTERFACES = 32;

/** A program's stdout, or null when it is missing, fails or takes longer than `timeoutMs` (never a shell). */
export function readProgram(timeoutMs: number): ReadProgram {
  return (cmd, args) =>
    new Promise((resolve) => {
      execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 256 * 1024, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' } }, (err, stdout) => resolve(err ? null : String(stdout)));
    });
}

export function defaultFactsSources(): BoxFactsSources {
  return { etc: '/etc', sysNet: '/sys/class/net', timesync: '/run/systemd/timesync', program: readProgram(2000), now: () => new Date() };
}

/**
 * What the box says about its name, network and clock, read without root and without blocking the
 * event loop (async files; child processes with a time limit). Best effort: what cannot be known is null.
 */
export async function gatherBoxFacts(s: BoxFactsSources): Promise<BoxFacts> {
  const [hostname, interfaces, timezone, ntp] = await Promise.all([readHostname(s), readInterfaces(s), readTimezone(s), readNtp(s)]);
  return { hostname, interfaces, timezone, time: s.now().toISOString(), ntp };
}

/** `/etc/hostname` (the service's own UTS namespace keeps the name it started with: ProtectHostname). */
async function readHostname(s: BoxFactsSources): Promise<string> {
  const text = await readFile(join(s.etc, 'hostname'), 'utf8').catch(() => '');
  return text.split('\n')[0]!.trim().slice(0, 253) || osHostname();
}

async function readInterfaces(s: BoxFactsSources): Promise<InterfaceFacts[]> {
  const names = (await readdir(s.sysNet).catch(() => [] as string[])).filter((n) => n !== 'lo' && /^[A-Za-z0-9_.:@-]{1,15}$/.test(n)).sort().slice(0, MAX_INTERFACES);
  const addrs = networkInterfaces();
  return Promise.all(
    names.map(async (name): Promise<InterfaceFacts> => {
      const dir = join(s.sysNet, name);
      const [state, mac, wireless, device] = await Promise.all([
        readFile(join(dir, 'operstate'), 'utf8').then((t) => t.trim(), () => 'unknown'),
        readFile(join(dir, 'address'), 'utf8').then((t) => t.trim() || null, () => null),
        exists(join(dir, 'wireless')).then(async (w) => w || exists(join(dir, 'phy80211'))),
        exists(join(dir, 'device')),
      ]);
      const kind = wireless ? 'wifi' : device || /^(en|eth)/.test(name) ? 'wired' : 'other';
      const up = state === 'up';
      return {
        name,
        kind,
        up,
        state,
        mac,
        addresses: (addrs[name] ?? []).slice(0, 16).map((a) => ({ address: a.address, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4', prefix: Number(a.cidr?.split('/')[1] ?? 0) })),
        ssid: kind === 'wifi' && up ? await readSsid(s, name) : null,
      };
    }),
  );
}

/** The connected SSID from `iw dev <if> link`, else `networkctl status <if>`; null when neither tells. */
async function readSsid(s: BoxFactsSources, name: string): Promise<string | null> {
  const iw = await s.program('iw', ['dev', name, 'link']);
  const m = iw?.match(/^\s*SSID:\s?(.*)$/m);
  if (m) return m[1]!.slice(0, 64);
  const nc = await s.program('networkctl', ['status', '--no-pager', '--', name]);
  const n = nc?.match(/^\s*(?:Wi-Fi access point|WiFi access point|SSID):\s*(.*?)(?:\s+\([0-9a-f:]{17}\))?$/im);
  return n ? n[1]!.slice(0, 64) : null;
}

async function readTimezone(s: BoxFactsSources): Promise<BoxFacts['timezone']> {
  const file = (await readFile(join(s.etc, 'timezone'), 'utf8').catch(() => '')).split('\n')[0]!.trim();
  if (file && file.length < 64) return { name: file, source: '/etc/timezone' };
  const link = await readlink(join(s.etc, 'localtime')).catch(() => '');
  const i = link.indexOf('zoneinfo/');
  if (i >= 0) return { name: link.slice(i + 'zoneinfo/'.length), source: '/etc/localtime' };
  return { name: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', source: 'runtime' };
}

async function readNtp(s: BoxFactsSources): Promise<BoxFacts['ntp']> {
  const out = await s.program('timedatectl', ['show', '-p', 'NTP', '-p', 'NTPSynchronized']);
  const prop = (k: string) => {
    const m = out?.match(new RegExp(`^${k}=(yes|no)$`, 'm'));
    return m ? m[1] === 'yes' : null;
  };
  let synchronized = prop('NTPSynchronized');
  // timesyncd touches this file once it has synchronized (its absence proves nothing).
  if (synchronized === null && (await exists(join(s.timesync, 'synchronized')))) synchronized = true;
  return { enabled: prop('NTP'), synchronized };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
