import type { SecuredRouter } from '../../core/http/secured-router.js';
import type { JsonSchema } from '../../core/sdk/http.js';
import { LIST_QUERY_DOC, listQuery, listResponseSchema, pageOf } from '../../core/sdk/list-page.js';
import type { BoxSettingsService } from './box-settings-service.js';

export const BOX_PATH = '/api/v1/system/box';
export const TIMEZONES_PATH = '/api/v1/system/timezones';

const NULL_BOOL = { type: ['boolean', 'null'] };
const OUTCOME: JsonSchema = { type: 'object', required: ['ok', 'value', 'message'], properties: { ok: { type: 'boolean' }, value: { type: 'string' }, message: { type: 'string' } } };
const LAST_CHANGE: JsonSchema = {
  type: ['object', 'null'],
  description: 'the last change request: queued (waiting for the helper), applying, then applied, partial, failed or refused; never holds the Wi-Fi password',
  required: ['id', 'state'],
  properties: {
    id: { type: 'string' },
    state: { enum: ['queued', 'applying', 'applied', 'partial', 'failed', 'refused'] },
    by: { type: 'string' },
    requestedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    message: { type: 'string' },
    settings: { type: 'object', properties: { hostname: OUTCOME, timezone: OUTCOME, wifi: OUTCOME, reboot: OUTCOME } },
  },
};
const BOX: JsonSchema = {
  type: 'object',
  required: ['hostname', 'mdnsUrl', 'interfaces', 'timezone', 'time', 'ntp', 'supported', 'reason', 'lastChange'],
  properties: {
    hostname: { type: 'string', description: '/etc/hostname' },
    mdnsUrl: { type: 'string', description: 'the panel by its mDNS name (avahi on the appliance image)' },
    interfaces: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'kind', 'up', 'state', 'mac', 'addresses', 'ssid'],
        properties: {
          name: { type: 'string' },
          kind: { enum: ['wired', 'wifi', 'other'] },
          up: { type: 'boolean' },
          state: { type: 'string', description: "the kernel's operstate: up, down, dormant, unknown…" },
          mac: { type: ['string', 'null'] },
          addresses: { type: 'array', items: { type: 'object', properties: { address: { type: 'string' }, family: { enum: ['IPv4', 'IPv6'] }, prefix: { type: 'integer' } } } },
          ssid: { type: ['string', 'null'], description: 'Wi-Fi: the connected network (iw or networkd); null when not connected or not knowable' },
        },
      },
    },
    timezone: { type: 'object', required: ['name', 'source'], properties: { name: { type: 'string' }, source: { enum: ['/etc/timezone', '/etc/localtime', 'runtime'] } } },
    time: { type: 'string', format: 'date-time', description: "the box's clock" },
    ntp: { type: 'object', required: ['enabled', 'synchronized'], properties: { enabled: NULL_BOOL, synchronized: { ...NULL_BOOL, description: 'systemd-timesyncd has synchronized the clock; null when not knowable' } } },
    supported: { type: 'boolean', description: 'this box can change its settings (installed from the package, with its root helper)' },
    reason: { type: ['string', 'null'], description: 'why not, when supported is false' },
    lastChange: LAST_CHANGE,
  },
};
const CHANGE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Only the fields to change; the rules are those of xlive-provision (docs/appliance.md)',
  properties: {
    hostname: { type: 'string', maxLength: 63, description: '1-63 of a-z, 0-9, "-" (not first or last); also the mDNS name' },
    timezone: { type: 'string', maxLength: 64, description: 'a name from GET /api/v1/system/timezones, e.g. Europe/Berlin' },
    wifi: {
      type: ['object', 'null'],
      description: 'the Wi-Fi network for wlan0; null forgets it',
      additionalProperties: false,
      required: ['country', 'ssid', 'psk'],
      properties: {
        country: { type: 'string', maxLength: 2, description: 'two-letter country code (legal channels)' },
        ssid: { type: 'string', maxLength: 32, description: 'the network name, 1-32 bytes, no control characters' },
        psk: { type: 'string', format: 'password', description: 'the WPA2 password, 8-63 printable ASCII characters; never stored or shown (wpa_passphrase derives the key)' },
      },
    },
    reboot: { const: true, description: 'reboot the whole box once the other settings (if any) are applied; the result is written first' },
  },
};

/** `GET|PUT /api/v1/system/box` and `GET /api/v1/system/timezones`. */
export function registerBoxSettingsRoutes(r: SecuredRouter, box: BoxSettingsService): void {
  r.add(
    'core',
    'GET',
    BOX_PATH,
    { scope: 'system:read', doc: { summary: 'Hostname, network interfaces, time zone and NTP state; whether they can be changed here, and the last change', tags: ['system'], responses: { 200: { description: 'the box', schema: BOX } } } },
    async (c) => c.json(await box.read()),
  );
  r.add(
    'core',
    'PUT',
    BOX_PATH,
    {
      scope: 'system:admin',
      doc: {
        summary: 'Change the hostname, time zone and/or Wi-Fi (applied by the root helper xlive-boxconf within seconds; follow it in GET lastChange)',
        description: 'A box not installed from the package answers 409 BOX_SETTINGS_UNSUPPORTED; a change while the previous one is still applied 409 CONFLICT.',
        tags: ['system'],
        body: { schema: CHANGE_BODY, required: true },
        responses: { 202: { description: 'queued for the helper', schema: { type: 'object', required: ['id', 'state', 'href'], properties: { id: { type: 'string' }, state: { const: 'queued' }, href: { type: 'string' } } } } },
      },
    },
    async (c) => {
      const body = await c.req.json().catch(() => undefined);
      const principal = c.get('principal');
      const by = principal ? `${principal.kind}:${principal.display ?? principal.id}` : 'unknown';
      const r2 = box.change(body, by);
      return c.json({ ...r2, href: BOX_PATH }, 202);
    },
  );
  r.add(
    'core',
    'GET',
    TIMEZONES_PATH,
    { scope: 'system:read', doc: { summary: 'Time zone names this box knows (from /usr/share/zoneinfo), sorted', tags: ['system'], query: LIST_QUERY_DOC, responses: { 200: { description: 'the names', schema: listResponseSchema({ type: 'string' }) } } } },
    async (c) => c.json(pageOf(await box.timezoneNames(), listQuery({ limit: c.req.query('limit'), cursor: c.req.query('cursor') }))),
  );
}
