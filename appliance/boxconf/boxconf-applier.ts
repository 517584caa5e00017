import { closeSync, constants, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../../core/errors/xlive-error.js';
import type { Logger } from '../../core/logging/logger.js';
import type { BoxChange } from './box-change-rules.js';
import type { BoxconfResult, BoxconfResultFile, SettingOutcome } from './boxconf-result.js';
import type { BoxconfSpool } from './boxconf-spool.js';

export type RunProgram = (cmd: string, args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;

/** What the running system does after files changed (systemctl on a real box; nothing on a test root). */
export interface LiveActions {
  hostnameChanged(name: string): Promise<void>;
  wifiChanged(): Promise<void>;
  wifiForgotten(): Promise<void>;
  /** Reboot the whole box (queued with systemd; the helper's result is written first). */
  reboot(): Promise<void>;
}

export interface BoxconfApplierOptions {
  spool: Pick<BoxconfSpool, 'pending' | 'take'>;
  results: Pick<BoxconfResultFile, 'write'>;
  /** Root-only (0700) directory for the setup file handed to xlive-provision. */
  workDir: string;
  /** `/` on a box; a throwaway directory in tests (xlive-provision's ROOT). */
  root: string;
  /** The xlive-provision script. */
  provision: string;
  run: RunProgram;
  /** Absent when `root` is not `/`. */
  live?: LiveActions;
  log: Logger;
  now?: () => Date;
  /** Why requests cannot be applied at all here (a tool xlive-provision needs is missing), or undefined. */
  unavailable?: string;
}

const WPA_CONF = 'etc/wpa_supplicant/wpa_supplicant-wlan0.conf';
const WPA_WANTS = 'etc/systemd/system/multi-user.target.wants/wpa_supplicant@wlan0.service';

/**
 * The root helper's work: take each queued request (untrusted: see BoxconfSpool.take), hand only its
 * hostname/timezone/wifi to xlive-provision as a fresh setup file, and write a result without the
 * Wi-Fi password. One request at a time, oldest first.
 */
export class BoxconfApplier {
  constructor(private readonly o: BoxconfApplierOptions) {}

  async runPending(): Promise<BoxconfResult[]> {
    const done: BoxconfResult[] = [];
    // Bounded: requests that arrive while we work are left for the next start of the unit.
    for (const id of this.o.spool.pending().slice(0, 16)) done.push(await this.applyOne(id));
    return done;
  }

  private now(): string {
    return (this.o.now ?? (() => new Date()))().toISOString();
  }

  private async applyOne(id: string): Promise<BoxconfResult> {
    let req;
    try {
      req = this.o.spool.take(id, join(this.o.root, 'usr/share/zoneinfo'));
    } catch (err) {
      const r: BoxconfResult = { id, by: 'unknown', requestedAt: '', state: 'refused', finishedAt: this.now(), message: `request refused: ${describeError(err)}`, settings: {} };
      this.o.results.write(r);
      this.o.log.warn(`box settings ${id}: ${r.message}`);
      return r;
    }
    const base = { id, by: req.by, requestedAt: req.requestedAt };
    this.o.results.write({ ...base, state: 'applying', finishedAt: null, message: 'applying', settings: {} });
    const psk = req.change.wifi?.psk;
    let settings: BoxconfResult['settings'];
    let message: string;
    try {
      ({ settings, message } = await this.apply(req.change));
    } catch (err) {
      settings = {};
      message = describeError(err);
    }
    const outcomes = Object.values(settings).filter((s) => s.value !== 'reboot');
    const all = Object.values(settings);
    const state = all.length > 0 && all.every((s) => s.ok) ? 'applied' : outcomes.some((s) => s.ok) || all.some((s) => s.ok) ? 'partial' : 'failed';
    const r = redact({ ...base, state, finishedAt: this.now(), message, settings }, psk);
    this.o.results.write(r);
    this.o.log.info(`box settings ${id} by ${r.by}: ${state}: ${r.message}`);
    // Last, once the result is on disk: the reboot (the service reads the result when it is back).
    if (req.change.reboot && settings.reboot?.ok && this.o.live) {
      try {
        await this.o.live.reboot();
      } catch (err) {
        this.o.log.error(`box settings ${id}: reboot failed: ${describeError(err)}`);
      }
    }
    return r;
  }

  private async apply(change: BoxChange): Promise<{ settings: BoxconfResult['settings']; message: string }> {
    if (this.o.unavailable) throw new Error(this.o.unavailable);
    const settings: BoxconfResult['settings'] = {};
    const setup: Record<string, unknown> = {};
    if (change.hostname !== undefined) setup['hostname'] = change.hostname;
    if (change.timezone !== undefined) setup['timezone'] = change.timezone;
    if (change.wifi) setup['wifi'] = { country: change.wifi.country, ssid: change.wifi.ssid, psk: change.wifi.psk };
    const lines: string[] = [];
    if (Object.keys(setup).length > 0) {
      const file = join(this.o.workDir, 'xlive-setup.json');
      writePrivate(file, JSON.stringify(setup));
      try {
        const args = this.o.root === '/' ? [file] : [file, this.o.root];
        const r = await this.o.run(this.o.provision, args);
        lines.push(...`${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean));
        if (r.code !== 0) lines.push(`xlive-provision exited with ${r.code}`);
      } finally {
        rmSync(file, { force: true });
        rmSync(join(this.o.workDir, 'xlive-setup.applied.json'), { force: true });
        rmSync(`${file}.invalid`, { force: true });
      }
    }
    if (change.hostname !== undefined) settings.hostname = outcome(lines, 'hostname', change.hostname);
    if (change.timezone !== undefined) settings.timezone = outcome(lines, 'timezone', change.timezone);
    if (change.wifi) settings.wifi = outcome(lines, 'wifi', `"${change.wifi.ssid}" (${change.wifi.country})`);
    if (change.wifi === null) settings.wifi = this.forgetWifi();
    if (change.reboot) {
      settings.reboot = this.o.live
        ? { ok: true, value: 'reboot', message: 'rebooting the box now: back in about a minute' }
        : { ok: false, value: 'reboot', message: 'not rebooted: not the running system (a test root)' };
    }

    if (this.o.live) {
      const live = this.o.live;
      const after = async (what: string, fn: () => Promise<void>, s: SettingOutcome | undefined) => {
        if (!s?.ok) return;
        try {
          await fn();
        } catch (err) {
          s.message += ` (${what}: ${describeError(err)})`;
        }
      };
      await after('mDNS restart', () => live.hostnameChanged(change.hostname!), settings.hostname);
      if (change.wifi) await after('wpa_supplicant restart', () => live.wifiChanged(), settings.wifi);
      if (change.wifi === null) await after('wpa_supplicant stop', () => live.wifiForgotten(), settings.wifi);
    }
    const failed = lines.filter((l) => / exited with |not found|No such file|command not found/i.test(l) && !/SKIPPED/.test(l));
    const message = Object.entries(settings).map(([k, s]) => `${k} ${s.ok ? 'changed' : 'not changed'}`).join(', ') + (failed.length ? `; ${failed.slice(0, 3).join('; ')}` : '');
    return { settings, message };
  }

  private forgetWifi(): SettingOutcome {
    rmSync(join(this.o.root, WPA_CONF), { force: true });
    rmSync(join(this.o.root, WPA_WANTS), { force: true });
    return { ok: true, value: 'forget', message: 'Wi-Fi network forgotten (wpa_supplicant@wlan0 disabled)' };
  }
}

/** How xlive-provision reported one setting: `xlive-provision: <key> …` applied, `SKIPPED: <key> …` refused. */
function outcome(lines: string[], key: 'hostname' | 'timezone' | 'wifi', value: string): SettingOutcome {
  const strip = (l: string) => l.replace(/^xlive-provision:\s*/, '');
  const skipped = lines.find((l) => strip(l).startsWith(`SKIPPED: ${key}`));
  if (skipped) return { ok: false, value, message: strip(skipped).replace(/^SKIPPED:\s*/, 'refused: ') };
  const applied = lines.find((l) => strip(l).startsWith(`${key} `) || strip(l).startsWith(`${key}:`));
  if (applied) return { ok: true, value, message: strip(applied) };
  const error = lines.find((l) => !l.startsWith('xlive-provision:'));
  return { ok: false, value, message: `not applied${error ? `: ${error}` : ' (xlive-provision did not report it)'}` };
}

/** The Wi-Fi password never leaves the helper: every string of the result is scrubbed of it. */
function redact(r: BoxconfResult, psk: string | undefined): BoxconfResult {
  if (!psk) return r;
  return JSON.parse(JSON.stringify(r).split(JSON.stringify(psk).slice(1, -1)).join('(redacted)')) as BoxconfResult;
}

function writePrivate(file: string, text: string): void {
  rmSync(file, { force: true });
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
