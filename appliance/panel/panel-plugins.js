// xlive panel: the Plugins screen — each plugin's state, version, problems and permissions; enable and
// disable (consent to a third-party plugin's permissions; the change waits for a restart, which is
// shown); a Configure form generated from the plugin's configSchema. Auth providers are not offered a
// Disable button: the box refuses it (the box would lock everyone out).
import { $, api, can, el, guarded } from './panel-api.js';
import { registerScreen } from './panel-nav.js';
import { schemaForm, valueIn } from './panel-forms.js';
import { renderRestartBanner } from './panel-restart.js';
import { askUninstall, renderInstall } from './panel-plugin-install.js';

/** What each permission lets a plugin do, in words (the consent dialog lists them). */
const PERMISSIONS = {
  http: 'serve HTTP routes',
  'http:mount': 'serve routes at paths of its own',
  'http:public': 'serve routes anyone may call without signing in',
  'streams:read': 'read (watch) every stream',
  'streams:publish': 'publish streams',
  'streams:admin': 'manage streams and their keys',
  'streams:gate': 'decide who may publish and watch streams (allow or refuse, with a reason)',
  'net:listen': 'open network ports of its own',
  'events:write': 'write to the event log',
  'auth:provide': 'decide who may sign in, publish and play',
  'storage:provide': 'store segments and recordings',
  'metrics:expose': 'expose metrics',
};
const permissionWords = (p) => (PERMISSIONS[p] ? `${p}: ${PERMISSIONS[p]}` : p);

const STATES = {
  running: 'Running',
  disabled: 'Disabled',
  loaded: 'Loaded, not started',
  failed: 'Failed',
  skipped: 'Skipped: a plugin it needs is not running',
  stopped: 'Stopped',
};

/** The cards on the screen, by plugin id: refreshed only when the plugin's status changes. */
const cards = new Map();

registerScreen('plugins', {
  allowed: () => can('system:read'),
  enter: () => guarded(enterPlugins, 'plugins-error'),
  refresh: () => guarded(loadPlugins, 'plugins-error'),
});

async function enterPlugins() {
  renderInstall(afterInstall);
  await loadPlugins();
  await loadPending();
}

async function loadPlugins() {
  const { items } = await api('GET', 'api/v1/plugins?limit=500');
  const list = $('plugins-list');
  for (const id of [...cards.keys()]) if (!items.some((p) => p.id === id)) cards.delete(id);
  for (const p of items) {
    let card = cards.get(p.id);
    if (!card) {
      card = { sig: '', status: el('div', { class: 'plugin-status' }), note: el('p', { class: 'plugin-note', role: 'status' }), config: el('div', { class: 'plugin-config', hidden: 'hidden' }) };
      card.article = el('article', { class: 'plugin', id: `plugin-${p.id}`, 'aria-labelledby': `plugin-${p.id}-name` }, card.status, card.note, card.config);
      cards.set(p.id, card);
    }
    const sig = JSON.stringify(p);
    if (sig !== card.sig) {
      card.sig = sig;
      card.plugin = p;
      card.status.replaceChildren(...statusOf(p, card));
    }
  }
  list.replaceChildren(...items.map((p) => cards.get(p.id).article));
  waitingPlugins = items.filter((p) => p.pending).map((p) => `plugin ${p.id}: ${p.enabledAfterRestart ? 'enabled' : 'disabled'} after the restart`);
  showBanner();
}

/** A plugin just installed: listed, and for a new one the Enable (consent) dialog opens at once. */
async function afterInstall(id, offerEnable) {
  await loadPlugins();
  const card = cards.get(id);
  if (!card) return;
  card.article.scrollIntoView({ block: 'center' });
  const enable = card.article.querySelector(`button[aria-label="Enable ${id}"]`);
  if (offerEnable && enable) enable.click();
}

let waitingPlugins = [];
let waitingKeys = [];

/** Plugin config keys waiting for a restart (GET api/v1/config needs system:read). */
async function loadPending() {
  const cfg = await api('GET', 'api/v1/config');
  waitingKeys = cfg.pendingRestart.filter((k) => k.startsWith('plugins.'));
  showBanner();
}

function showBanner() {
  renderRestartBanner($('plugins-restart'), [...waitingPlugins, ...waitingKeys.map((k) => `setting ${k}`)], {
    done: async () => {
      const [{ items }, cfg] = await Promise.all([api('GET', 'api/v1/plugins?limit=500'), api('GET', 'api/v1/config')]);
      return items.every((p) => !p.pending) && !cfg.pendingRestart.some((k) => k.startsWith('plugins.'));
    },
    reload: async () => {
      waitingKeys = [];
      await guarded(enterPlugins, 'plugins-error');
    },
    announce: (text) => {
      $('plugins-announce').textContent = text;
    },
  });
}

function statusOf(p, card) {
  const out = [
    el('h3', { id: `plugin-${p.id}-name` }, el('span', { class: 'mono', text: p.id }), ` ${p.version || ''}`),
    el('p', { class: 'hint', text: `${p.source === 'external' ? 'Third-party plugin' : 'Built-in plugin'}${p.kinds.length ? ` (${p.kinds.join(', ')})` : ''}` }),
    el('p', {}, el('span', { class: `state-${p.state}`, text: STATES[p.state] || p.state }), p.pending ? el('strong', { class: 'pending', text: ` — ${p.enabledAfterRestart ? 'enabled' : 'disabled'} after restart` }) : null),
  ];
  if (p.error) out.push(el('p', { class: 'error', text: `Problem: ${p.error.message} (${p.error.code})` }));
  if (p.consentPending) out.push(el('p', { class: 'warn', text: 'Waiting for an admin to consent to its permissions: it stays disabled until then.' }));
  if (p.faults && p.faults.faults > 0) {
    out.push(el('p', { class: 'warn', text: `${p.faults.faults} fault${p.faults.faults === 1 ? '' : 's'} since start${p.faults.last ? `; the latest (${p.faults.last.where}): ${p.faults.last.message}` : ''}` }));
  }
  out.push(el('p', { class: 'hint', text: `Permissions: ${p.permissions.length ? p.permissions.join(', ') : 'none declared'}` }));
  out.push(actionsOf(p, card));
  return out;
}

const isAuth = (p) => p.kinds.includes('auth');

function actionsOf(p, card) {
  const row = el('div', { class: 'row plugin-actions' });
  if (!can('plugins:admin')) return row;
  if (p.enabledAfterRestart && isAuth(p)) {
    row.append(el('p', { class: 'hint', text: `${p.id} decides who may sign in, publish and play: the box refuses to disable it from here (without it every request is refused). On the console: xlive plugins disable ${p.id}.` }));
  } else if (p.enabledAfterRestart) {
    row.append(el('button', { type: 'button', class: 'secondary', text: 'Disable', 'aria-label': `Disable ${p.id}`, onclick: (ev) => setEnabled(p, false, ev.currentTarget, card) }));
  } else if (p.version !== null) {
    row.append(el('button', { type: 'button', text: 'Enable', 'aria-label': `Enable ${p.id}`, onclick: (ev) => (p.consentRequired ? askConsent(p, ev.currentTarget, card) : setEnabled(p, true, ev.currentTarget, card)) }));
  }
  if (p.source === 'external') {
    row.append(el('button', { type: 'button', class: 'danger', text: 'Uninstall', 'aria-label': `Uninstall ${p.id}`, onclick: () => askUninstall(p, async (err, text) => {
      $('plugins-announce').textContent = text;
      $('plugins-announce').className = err ? 'error' : 'ok';
      await loadPlugins();
    }) }));
  }
  if (p.version !== null) {
    row.append(el('button', { type: 'button', class: 'secondary', text: 'Configure', 'aria-expanded': String(!card.config.hidden), 'aria-controls': `plugin-${p.id}-config`, 'aria-label': `Configure ${p.id}`, onclick: (ev) => toggleConfig(p, ev.currentTarget, card) }));
  }
  return row;
}

function note(card, text, isError) {
  card.note.textContent = text;
  card.note.className = `plugin-note${isError ? ' error' : ' ok'}`;
}

async function setEnabled(p, enabled, button, card, permissions) {
  if (!enabled && !confirm(`Disable ${p.id}? It stops at the next restart of the service.`)) return;
  button.disabled = true;
  try {
    const r = await api('PATCH', `api/v1/plugins/${encodeURIComponent(p.id)}`, { enabled, ...(permissions ? { permissions } : {}) });
    note(card, r.restartRequired
      ? `${enabled ? 'Enabled' : 'Disabled'}: ${r.enabledAfterRestart ? 'enabled' : 'disabled'} after restart. Restart the service to apply it.`
      : enabled && r.state === 'running' && !p.enabled ? `Enabled: ${p.id} is running now.` : `${enabled ? 'Enabled' : 'Disabled'}: nothing to restart.`, false);
    await loadPlugins();
  } catch (err) {
    if (err.status === 401) return guarded(() => Promise.reject(err));
    note(card, `Not changed: ${err.message}`, true);
    button.disabled = false;
  }
}

/** A third-party plugin runs only once an admin agrees to exactly the permissions it declares. */
function askConsent(p, button, card) {
  const agree = el('input', { type: 'checkbox', id: 'consent-agree' });
  const ok = el('button', { type: 'submit', value: 'consent', text: `Enable ${p.id}` });
  const dialog = el(
    'dialog',
    { class: 'consent', 'aria-labelledby': 'consent-title' },
    el(
      'form',
      { method: 'dialog' },
      el('h3', { id: 'consent-title', text: `Enable the third-party plugin ${p.id} ${p.version || ''}?` }),
      el('p', { text: 'It runs inside the box with the rights of the service. It asks for these permissions:' }),
      el('ul', {}, ...(p.permissions.length ? p.permissions.map((x) => el('li', { text: permissionWords(x) })) : [el('li', { text: 'none' })])),
      el('div', { class: 'check-row' }, agree, el('label', { for: 'consent-agree', text: 'I trust this plugin with these permissions' })),
      el('div', { class: 'row' }, ok, el('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => dialog.close('cancel') })),
    ),
  );
  ok.disabled = true;
  agree.addEventListener('change', () => {
    ok.disabled = !agree.checked;
  });
  dialog.addEventListener('close', () => {
    dialog.remove();
    // Only the Enable button (after ticking the box) consents; Escape and Cancel do not.
    if (dialog.returnValue === 'consent' && agree.checked) setEnabled(p, true, button, card, p.permissions);
    else button.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
}

async function toggleConfig(p, button, card) {
  const open = card.config.hidden;
  card.config.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (open) await guarded(() => loadConfig(p.id, card), 'plugins-error');
}

async function loadConfig(id, card) {
  card.config.id = `plugin-${id}-config`;
  const [details, cfg] = await Promise.all([api('GET', `api/v1/plugins/${encodeURIComponent(id)}`), can('system:read') ? api('GET', 'api/v1/config') : null]);
  const entries = new Map((cfg ? cfg.entries : []).map((e) => [e.key, e]));
  const schema = details.configSchema || {};
  const keys = Object.keys(schema.properties || {});
  const base = `plugins.${id}`;
  const tree = { plugins: { [id]: details.config || {} } };
  const restartRow = el('div', { class: 'row', hidden: 'hidden' });
  const form = keys.length
    ? schemaForm({
        id: `cfg-${id}`,
        fields: keys.map((k) => ({ key: `${base}.${k}`, schema: schema.properties[k] })),
        valueOf: (key) => valueIn(tree, key),
        lockOf: (key) => lockIn(entries, key),
        restartWhat: `the plugin ${id}`,
        submitText: `Save ${id} settings`,
        save: (changes) => api('PATCH', `api/v1/plugins/${encodeURIComponent(id)}/config`, mergePatch(changes, base)),
        onSaved: (answer) => {
          restartRow.hidden = !(answer.changes || []).some((c) => c.applied === 'restart');
          waitingKeys = (answer.pendingRestart || []).filter((k) => k.startsWith('plugins.'));
          showBanner();
        },
      })
    : el('p', { class: 'hint', text: 'This plugin has no settings.' });
  const restartNote = el('p', { role: 'status' });
  restartRow.append(
    el('button', { type: 'button', class: 'secondary', text: `Restart ${id} now`, onclick: (ev) => restartPlugin(id, ev.currentTarget, restartNote) }),
    restartNote,
  );
  card.config.replaceChildren(
    ...[
      el('h4', { text: `Settings of ${id}` }),
      details.configError ? el('p', { class: 'error', text: `The current settings do not load: ${details.configError}` }) : null,
      form,
      restartRow,
    ].filter(Boolean),
  );
}

async function restartPlugin(id, button, out) {
  button.disabled = true;
  try {
    const p = await api('POST', `api/v1/plugins/${encodeURIComponent(id)}/restart`);
    out.textContent = p.state === 'running' ? `${id} restarted: running with the saved settings.` : `${id} restarted but is ${p.state}${p.error ? `: ${p.error.message}` : ''}.`;
    out.className = p.state === 'running' ? 'ok' : 'error';
    await enterPlugins();
  } catch (err) {
    out.textContent = `Not restarted: ${err.message}`;
    out.className = 'error';
  } finally {
    button.disabled = false;
  }
}

function lockIn(entries, key) {
  if (entries.has(key)) return entries.get(key).lockedBy;
  for (const [k, e] of entries) if (e.lockedBy && k.startsWith(`${key}.`)) return e.lockedBy;
  return null;
}

/** Dotted keys under `base` → a JSON merge patch of the section (null removes a key). */
function mergePatch(changes, base) {
  const patch = {};
  for (const [key, value] of Object.entries(changes)) {
    const segs = key.slice(base.length + 1).split('.');
    let node = patch;
    for (const s of segs.slice(0, -1)) node = node[s] = node[s] || {};
    node[segs[segs.length - 1]] = value;
  }
  return patch;
}
