import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventLog } from '../../core/events/event-log.js';
import { BoxSettingsUnsupportedError, ConflictError, describeError } from '../../core/errors/xlive-error.js';
import type { Logger } from '../../core/logging/logger.js';
import type { PluginKvRepository } from '../../core/store/plugin-kv-repository.js';
import { checkBoxChange, TIMEZONE_PATTERN } from './box-change-rules.js';
import type { BoxFacts } from './box-facts.js';
import { BOXCONF_FINAL, BoxconfResultFile, resultFileOf, type BoxconfResult } from './boxconf-result.js';
import { BoxconfSpool, boxconfSpoolDirOf } from './boxconf-spool.js';

/** The last change request as the API shows it: `queued` while it waits in the spool. */
export type LastChange = (Omit<BoxconfResult, 'state'> & { state: BoxconfResult['state'] | 'queued' }) | null;

export interface BoxSettingsView extends BoxFacts {
  mdnsUrl: string;
  supported: boolean;
  /** Why changing is not supported here (null when it is). */
  reason: string | null;
  lastChange: LastChange;
}

export interface BoxSettingsServiceOptions {
  /** `box.stateDir`; empty: this box has no root helper. */
  stateDir: string;
  dataDir: string;
  /** The panel's port, for the `.local` link. */
  httpPort: () => number;
  zoneinfoDir: string;
  gather: () => Promise<BoxFacts>;
  kv: Pick<PluginKvRepository, 'get' | 'set'>;
  events: Pick<EventLog, 'record'>;
  log: Logger;
  pollMs?: number;
}

/** Facts this recent are reused: a burst of requests spawns timedatectl/iw once. */
const FRESH_MS = 3000;
const MAX_TIMEZONES = 1000;
/** A request not taken (or a helper not finished) after this long does not block a new change. */
const STALE_MS = 2 * 60_000;
const KV_OWNER = 'core';
const KV_SEEN = 'box.lastResultId';

/**
 * Hostname, network and time zone: read (no root needed) and changed through the root helper
 * xlive-boxconf.service, which the service only asks, through a spool in its data directory, the way
 * updates work (docs/appliance.md, "Box settings: name, network, time").
 */
export class BoxSettingsService {
  readonly spool: BoxconfSpool;
  private readonly results: BoxconfResultFile | undefined;
  private cached: { at: number; facts: Promise<BoxFacts> } | undefined;
  private timezones: string[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastStamp: string | undefined;

  constructor(private readonly o: BoxSettingsServiceOptions) {
    this.spool = new BoxconfSpool(boxconfSpoolDirOf(o.dataDir));
    this.results = o.stateDir ? new BoxconfResultFile(resultFileOf(o.stateDir)) : undefined;
  }

  /** Why this box cannot change its settings, or null when its root helper is installed. */
  unsupportedReason(): string | null {
    if (!this.o.stateDir) {
      return 'this box was not installed from the xlive Debian package (box.stateDir is not set), so xlive cannot change its hostname, network or time zone: use the xlive appliance image or install the package (its xlive-boxconf helper does it), or change them with the system\'s own tools';
    }
    if (!existsSync(this.o.stateDir)) return `the helper's directory ${this.o.stateDir} does not exist: reinstall the xlive package (it creates it and enables xlive-boxconf.path)`;
    return null;
  }

  async read(now = Date.now()): Promise<BoxSettingsView> {
    if (!this.cached || now - this.cached.at > FRESH_MS) this.cached = { at: now, facts: this.o.gather() };
    const facts = await this.cached.facts;
    const reason = this.unsupportedReason();
    return { ...facts, mdnsUrl: `http://${facts.hostname}.local:${this.o.httpPort()}/`, supported: reason === null, reason, lastChange: this.lastChange() };
  }

  lastChange(now = Date.now()): LastChange {
    const queued = this.spool.pending().at(-1);
    if (queued) {
      const at = this.spool.queuedAt(queued);
      const stale = at !== undefined && now - at > STALE_MS;
      const message = stale ? 'not taken by the system helper yet: is xlive-boxconf.path running? (systemctl status xlive-boxconf.path)' : 'waiting for the system helper';
      return { id: queued, by: '', requestedAt: at === undefined ? '' : new Date(at).toISOString(), state: 'queued', finishedAt: null, message, settings: {} };
    }
    return this.results?.read() ?? null;
  }

  /** Check and queue a change for the root helper (409 when unsupported or one is still pending). */
  change(body: unknown, by: string): { id: string; state: 'queued' } {
    const reason = this.unsupportedReason();
    if (reason) throw new BoxSettingsUnsupportedError(reason);
    const change = checkBoxChange(body, this.o.zoneinfoDir);
    // One change at a time; a request the helper never took (its path unit not running) does not block
    // the next one forever: after STALE_MS it is withdrawn.
    for (const id of this.spool.pending()) {
      const at = this.spool.queuedAt(id);
      if (at !== undefined && Date.now() - at > STALE_MS) this.spool.withdraw(id);
    }
    const current = this.lastChange();
    const applyingSince = current?.state === 'applying' ? Date.parse(current.requestedAt) : NaN;
    if (current && (current.state === 'queued' || (current.state === 'applying' && !(Date.now() - applyingSince > STALE_MS)))) {
      throw new ConflictError(`the previous change (${current.id}) is still being applied: wait for its result`);
    }
    const req = this.spool.submit(change, by);
    const what = describeChange(change);
    this.o.events.record('core', { type: 'box.change-requested', message: `box settings change requested by ${req.by}: ${what}`, data: { id: req.id, by: req.by, ...publicChange(change) } });
    this.o.log.info(`box settings ${req.id} queued by ${req.by}: ${what}`);
    this.cached = undefined;
    return { id: req.id, state: 'queued' };
  }

  /** Time zone names this box knows (zone1970.tab, plus UTC), sorted; the runtime's list as a fallback. */
  async timezoneNames(): Promise<string[]> {
    if (this.timezones) return this.timezones;
    const text = await readFile(join(this.o.zoneinfoDir, 'zone1970.tab'), 'utf8').catch(() => '');
    let names = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split('\t')[2] ?? '')
      .filter((n) => TIMEZONE_PATTERN.test(n) && existsSync(join(this.o.zoneinfoDir, n)));
    if (names.length === 0) names = Intl.supportedValuesOf('timeZone').filter((n) => TIMEZONE_PATTERN.test(n));
    if (existsSync(join(this.o.zoneinfoDir, 'UTC')) || names.length === 0) names.push('UTC');
    this.timezones = [...new Set(names)].sort().slice(0, MAX_TIMEZONES);
    return this.timezones;
  }

  /** Record the helper's result as an event once (`box.changed`, warn when not everything applied). */
  syncEvents(): boolean {
    if (!this.results) return false;
    const stamp = this.results.stamp();
    if (stamp === this.lastStamp) return false;
    this.lastStamp = stamp;
    const r = this.results.read();
    if (!r || !BOXCONF_FINAL.includes(r.state) || this.o.kv.get(KV_OWNER, KV_SEEN) === r.id) return false;
    this.o.events.record('core', {
      type: 'box.changed',
      severity: r.state === 'applied' ? 'info' : 'warn',
      message: `box settings ${r.state}: ${r.message}`,
      data: { id: r.id, by: r.by, state: r.state, settings: r.settings },
    });
    this.o.kv.set(KV_OWNER, KV_SEEN, r.id);
    this.cached = undefined;
    return true;
  }

  start(): void {
    if (!this.results) return;
    try {
      this.syncEvents();
    } catch (err) {
      this.o.log.warn(`cannot read the box settings result: ${describeError(err)}`);
    }
    this.timer = setInterval(() => {
      try {
        this.syncEvents();
      } catch (err) {
        this.o.log.warn(`cannot read the box settings result: ${describeError(err)}`);
      }
    }, this.o.pollMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** The change without the Wi-Fi password, for events and logs. */
export function publicChange(c: ReturnType<typeof checkBoxChange>): Record<string, unknown> {
  return {
    ...(c.hostname !== undefined && { hostname: c.hostname }),
    ...(c.timezone !== undefined && { timezone: c.timezone }),
    ...(c.wifi !== undefined && { wifi: c.wifi === null ? null : { country: c.wifi.country, ssid: c.wifi.ssid } }),
    ...(c.reboot && { reboot: true }),
  };
}

function describeChange(c: ReturnType<typeof checkBoxChange>): string {
  const parts: string[] = [];
  if (c.hostname !== undefined) parts.push(`hostname ${c.hostname}`);
  if (c.timezone !== undefined) parts.push(`time zone ${c.timezone}`);
  if (c.wifi === null) parts.push('forget the Wi-Fi network');
  else if (c.wifi) parts.push(`Wi-Fi "${c.wifi.ssid}" (${c.wifi.country})`);
  if (c.reboot) parts.push('reboot the box');
  return parts.join(', ');
}
