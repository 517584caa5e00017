import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors/xlive-error.js';

/** Wi-Fi for wlan0: written by xlive-provision with the SSID hex-encoded and the PSK derived. */
export interface WifiChange {
  /** ISO 3166 alpha-2, upper case (the radio's legal channels depend on it). */
  country: string;
  ssid: string;
  psk: string;
}

/** What a change request may set. `wifi: null` forgets the Wi-Fi network; `reboot` restarts the whole box after the rest. */
export interface BoxChange {
  hostname?: string;
  timezone?: string;
  wifi?: WifiChange | null;
  reboot?: true;
}

/** The same rules as xlive-provision (`[a-z0-9]`, inner `-`, 1-63), on the whole string (no newline tricks). */
export const HOSTNAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A zoneinfo name: `UTC`, `Europe/Berlin`, `America/Argentina/Buenos_Aires`; no `..`, no leading `/`. */
export const TIMEZONE_PATTERN = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+){0,2}$/;
const COUNTRY_PATTERN = /^[A-Za-z]{2}$/;
/** wpa_passphrase takes 8 to 63 printable ASCII characters. */
const PSK_PATTERN = /^[\x20-\x7e]{8,63}$/;
// Control characters (C0, DEL, C1) have no place in a network name the panel shows and a log line prints.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const FIELDS = new Set(['hostname', 'timezone', 'wifi', 'reboot']);

function invalid(field: string, message: string, value?: unknown): never {
  throw new ValidationError(`${field}: ${message}`, { details: { field, ...(value !== undefined && { value }) } });
}

/**
 * Check a change request with xlive-provision's rules (and a little stricter: whole-string matches,
 * no control characters). Used twice: by the service before it queues a request (400 naming the field),
 * and by the root helper on what it takes from the spool (the service's directory is untrusted).
 * `zoneinfoDir` is where time zone names must exist (`/usr/share/zoneinfo`, or `<root>/usr/share/zoneinfo`).
 */
export function checkBoxChange(body: unknown, zoneinfoDir: string): BoxChange {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) invalid('body', 'must be a JSON object with hostname, timezone and/or wifi');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!FIELDS.has(k)) invalid(k.slice(0, 40), 'is not a box setting (hostname, timezone, wifi, reboot)');
  const out: BoxChange = {};
  if (b['hostname'] !== undefined) out.hostname = checkHostname(b['hostname']);
  if (b['timezone'] !== undefined) out.timezone = checkTimezone(b['timezone'], zoneinfoDir);
  if (b['wifi'] !== undefined) out.wifi = b['wifi'] === null ? null : checkWifi(b['wifi']);
  if (b['reboot'] !== undefined) {
    if (b['reboot'] !== true) invalid('reboot', 'must be true (reboot the box once the other settings are applied), or left out');
    out.reboot = true;
  }
  if (Object.keys(out).length === 0) invalid('body', 'nothing to change: send hostname, timezone, wifi and/or reboot');
  return out;
}

export function checkHostname(v: unknown): string {
  if (typeof v !== 'string' || !HOSTNAME_PATTERN.test(v)) {
    invalid('hostname', 'use 1 to 63 lower-case letters, digits and "-" (not first or last), e.g. "xlive-stage-2"', typeof v === 'string' ? v.slice(0, 64) : undefined);
  }
  return v;
}

export function checkTimezone(v: unknown, zoneinfoDir: string): string {
  if (typeof v !== 'string' || v.includes('..') || !TIMEZONE_PATTERN.test(v)) {
    invalid('timezone', 'must be a time zone name like "Europe/Berlin" or "UTC"', typeof v === 'string' ? v.slice(0, 64) : undefined);
  }
  let file = false;
  try {
    file = statSync(join(zoneinfoDir, v)).isFile();
  } catch {
    file = false;
  }
  if (!file) invalid('timezone', `"${v}" is not a time zone this box knows (not in ${zoneinfoDir})`, v);
  return v;
}

export function checkWifi(v: unknown): WifiChange {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) invalid('wifi', 'must be {country, ssid, psk}, or null to forget the Wi-Fi network');
  const w = v as Record<string, unknown>;
  for (const k of Object.keys(w)) if (!['country', 'ssid', 'psk'].includes(k)) invalid(`wifi.${k.slice(0, 40)}`, 'is not a Wi-Fi setting (country, ssid, psk)');
  const country = w['country'];
  if (typeof country !== 'string' || !COUNTRY_PATTERN.test(country)) {
    invalid('wifi.country', 'must be the two-letter country code where the box is, e.g. "DE" (the radio\'s legal channels depend on it)', typeof country === 'string' ? country.slice(0, 8) : undefined);
  }
  const ssid = w['ssid'];
  if (typeof ssid !== 'string' || ssid.length === 0 || Buffer.byteLength(ssid, 'utf8') > 32) invalid('wifi.ssid', 'must be the network name, 1 to 32 bytes');
  if (CONTROL.test(ssid)) invalid('wifi.ssid', 'must not contain control characters (line breaks, tabs)');
  const psk = w['psk'];
  // The value is never echoed: it is the network's password.
  if (typeof psk !== 'string' || !PSK_PATTERN.test(psk)) invalid('wifi.psk', 'the Wi-Fi password must be 8 to 63 printable ASCII characters (WPA2-PSK)');
  return { country: country.toUpperCase(), ssid, psk };
}
