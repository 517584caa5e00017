// xlive panel: the Settings screen — forms generated from the configuration's JSON Schema
// (GET api/v1/config: the core schema with each plugin's section), grouped the way a technician looks
// for them. Each group saves on its own (PATCH api/v1/config, only the changed keys) and says whether
// the change is in effect now or waits for a restart; a banner lists what waits, with a Restart button.
import { $, api, can, el, guarded } from './panel-api.js';
import { registerScreen } from './panel-nav.js';
import { schemaAt, schemaForm, valueIn } from './panel-forms.js';
import { renderRestartBanner } from './panel-restart.js';

/**
 * The groups: dotted keys of the configuration (a `plugins.<id>` key is that plugin's whole section).
 * Ports, publishing, HLS, retention and webhooks are plugin sections (rtmp, auth-local, hls,
 * storage-local, webhooks): they are here because a technician looks for them here, and each is
 * also on the Plugins screen (Configure). The last group holds every core key not named before.
 */
/** Labels where the key's last word alone would be ambiguous within its group. */
const LABELS = {
  'http.port': 'HTTP port (panel, API, HLS, HTTP-FLV)',
  'http.host': 'HTTP address to listen on',
  'http.trustProxy': 'HTTP: trust the reverse proxy (X-Forwarded-*)',
  'plugins.rtmp.port': 'RTMP port (encoders publish here)',
  'plugins.rtmp.host': 'RTMP address to listen on',
  'plugins.auth-local.rtmpUrl': 'Publish URL shown to encoders',
  'plugins.auth-local.trustProxy': 'Sign-in: trust the reverse proxy (client address, TLS)',
  'plugins.auth-local.publishAuth': 'Who may publish',
  'plugins.rtmp.maxConnections': 'RTMP connections at once',
  'plugins.rtmp.maxStreams': 'RTMP streams at once',
  'plugins.http-flv.maxViewers': 'HTTP-FLV viewers at once',
  'backup.maxBytes': 'Largest backup (bytes)',
};

const GROUPS = [
  { id: 'ports', title: 'Ports and addresses', keys: ['http.port', 'http.host', 'plugins.rtmp.port', 'plugins.rtmp.host', 'http.publicNames', 'plugins.auth-local.rtmpUrl', 'http.trustProxy', 'plugins.auth-local.trustProxy'] },
  { id: 'publish', title: 'Publishing', keys: ['plugins.auth-local.publishAuth'] },
  { id: 'hls', title: 'HLS', keys: ['plugins.hls'] },
  { id: 'retention', title: 'Retention and storage', keys: ['plugins.storage-local.live', 'plugins.storage-local.recording', 'backup.maxBytes'] },
  { id: 'limits', title: 'Limits', keys: ['streams', 'http.rateLimits', 'plugins.rtmp.maxConnections', 'plugins.rtmp.maxStreams', 'plugins.http-flv.maxViewers', 'connections'] },
  { id: 'webhooks', title: 'Webhooks', keys: ['plugins.webhooks'] },
  { id: 'logs', title: 'Logs, events and charts', keys: ['log', 'events', 'stats'] },
  { id: 'other', title: 'Other core settings', rest: true },
];

registerScreen('settings', {
  allowed: () => can('system:admin'),
  enter: () => guarded(loadSettings, 'settings-error'),
});

async function loadSettings() {
  const cfg = await api('GET', 'api/v1/config');
  const entries = new Map(cfg.entries.map((e) => [e.key, e]));
  const tree = {};
  for (const e of cfg.entries) setIn(tree, e.key, e.value);
  const lockOf = (key) => {
    if (entries.has(key)) return entries.get(key).lockedBy;
    for (const [k, e] of entries) if (e.lockedBy && (k.startsWith(`${key}.`) || key.startsWith(`${k}.`))) return e.lockedBy;
    return null;
  };
  const banner = el('div', { id: 'settings-restart', class: 'restart-banner', role: 'region', 'aria-label': 'Restart needed' });
  const showPending = (keys) => renderRestartBanner(banner, keys, {
    done: async () => (await api('GET', 'api/v1/config')).pendingRestart.length === 0,
    reload: () => guarded(loadSettings, 'settings-error'),
    announce: (text) => {
      $('settings-announce').textContent = text;
    },
  });
  const covered = GROUPS.flatMap((g) => g.keys || []);
  const forms = GROUPS.map((g) => {
    const keys = g.rest ? restKeys(cfg.schema, covered) : g.keys.flatMap((k) => expand(cfg.schema, k));
    const fields = keys.map((key) => ({ key, schema: schemaAt(cfg.schema, key), label: LABELS[key] })).filter((f) => f.schema);
    if (fields.length === 0) return null;
    const form = schemaForm({
      id: `set-${g.id}`,
      fields,
      valueOf: (key) => valueIn(tree, key),
      lockOf,
      restartWhat: 'the service',
      submitText: `Save ${g.title.toLowerCase()}`,
      save: (changes) => api('PATCH', 'api/v1/config', changes),
      onSaved: (answer) => showPending(answer.pendingRestart || []),
    });
    return el('details', { class: 'settings-group', id: `settings-${g.id}` }, el('summary', { text: g.title }), form);
  });
  $('settings-body').replaceChildren(
    el('p', { class: 'hint', text: 'Each group saves on its own and says whether the change is in effect now or after a restart. Keys locked by the environment or the console are shown read-only with the reason.' }),
    el('p', { id: 'settings-announce', class: 'ok', role: 'status' }),
    banner,
    ...forms,
  );
  showPending(cfg.pendingRestart);
}

/** `plugins.<id>` stands for the fields of that section (no extra fieldset); other keys as they are. */
function expand(schema, key) {
  const s = schemaAt(schema, key);
  if (!s) return [];
  const segs = key.split('.');
  if (segs.length === 2 && segs[0] === 'plugins' && s.properties) return Object.keys(s.properties).map((k) => `${key}.${k}`);
  return [key];
}

/** Core keys (not plugins) that no group names, nor any key above or below them. */
function restKeys(schema, covered) {
  const out = [];
  const walk = (node, prefix) => {
    for (const k of Object.keys(node.properties || {})) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (key === 'plugins' || covered.includes(key)) continue;
      if (covered.some((c) => c.startsWith(`${key}.`))) walk(node.properties[k], key);
      else out.push(key);
    }
  };
  walk(schema, '');
  return out;
}

function setIn(tree, key, value) {
  const segs = key.split('.');
  let node = tree;
  for (const s of segs.slice(0, -1)) {
    if (node[s] === null || typeof node[s] !== 'object') node[s] = {};
    node = node[s];
  }
  node[segs[segs.length - 1]] = value;
}
