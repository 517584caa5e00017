// xlive panel: the box card — restart, backup and restore, update upload, recent logs.
import { $, api, boxUrl, can, el, guarded, showError, upload, withBusy } from './panel-api.js';
import { enterBoxSettings, leaveBoxSettings } from './panel-boxsettings.js';
import { loadEvents } from './panel-events.js';
import { registerScreen } from './panel-nav.js';

const UPDATE_FINAL = new Set(['refused', 'succeeded', 'rolled-back', 'rollback-failed']);

registerScreen('box', {
  enter: () => {
    enterBox();
    guarded(loadEvents);
  },
  refresh: () => guarded(loadEvents),
  leave: () => leaveBox(),
});

/** Show the box card to those who may read the system; admin-only controls to system:admin. */
export function enterBox() {
  $('box-card').hidden = !can('system:read');
  $('box-admin').hidden = !can('system:admin');
  if (can('system:read')) loadLogs().catch((err) => showError('box-error', err));
  enterBoxSettings();
}

/** Stop what the box card polls (another screen opened, or signed out). */
export function leaveBox() {
  leaveBoxSettings();
}

async function loadLogs() {
  const level = $('logs-level').value;
  const source = $('logs-source').value.trim();
  const { items } = await api('GET', `api/v1/logs?level=${encodeURIComponent(level)}${source ? `&plugin=${encodeURIComponent(source)}` : ''}&limit=100`);
  $('logs-list').replaceChildren(...items.map((l) => el('li', { class: `log ${l.level}` }, el('span', { class: 'mono', text: `${new Date(l.time).toLocaleTimeString()} ${l.level.toUpperCase()} ` }), l.source ? `[${l.source}] ` : '', l.msg)));
  $('logs-empty').hidden = items.length > 0;
}

$('logs-level').addEventListener('change', () => loadLogs().catch((err) => showError('box-error', err)));
$('logs-source').addEventListener('change', () => loadLogs().then(() => showError('box-error', null), (err) => showError('box-error', err)));
$('logs-refresh').addEventListener('click', (ev) => withBusy(ev.currentTarget, () => loadLogs().catch((err) => showError('box-error', err))));

$('box-restart').addEventListener('click', (ev) => {
  if (!confirm('Restart the xlive service now? Every stream and viewer is disconnected for a few seconds; encoders reconnect by themselves.')) return;
  withBusy(ev.currentTarget, async () => {
    try {
      await api('POST', 'api/v1/system/restart', { reason: 'panel' });
      $('box-status').textContent = 'Restarting… the panel reconnects by itself.';
      showError('box-error', null);
    } catch (err) {
      showError('box-error', err);
    }
  });
});

$('restore-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const file = $('restore-file').files[0];
  if (!file) return;
  if (!confirm(`Replace everything on this box (accounts, keys, settings, plugins) with the backup "${file.name}"? The box restarts into it.`)) return;
  withBusy($('restore-submit'), async () => {
    try {
      await upload('POST', 'api/v1/system/restore', file, 'application/gzip', (sent, total) => progress('restore', sent, total));
      $('box-status').textContent = 'Backup checked and accepted: the box restarts into it. Sign in again with the accounts of the backup.';
      showError('box-error', null);
    } catch (err) {
      showError('box-error', err);
    }
  });
});

$('update-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const file = $('update-file').files[0];
  if (!file) return;
  if (!confirm(`Install "${file.name}"? The box restarts; if the new version does not become ready, it goes back to this one by itself.`)) return;
  withBusy($('update-submit'), async () => {
    try {
      const queued = await upload('POST', 'api/v1/updates', file, 'application/vnd.debian.binary-package', (sent, total) => progress('update', sent, total));
      showError('box-error', null);
      await followUpdate(boxUrl(queued.href));
    } catch (err) {
      showError('box-error', err);
    }
  });
});

function progress(what, sent, total) {
  const bar = $(`${what}-progress`);
  bar.hidden = false;
  bar.max = total || 1;
  bar.value = sent;
}

/** Poll an update until it is final (the box restarts meanwhile: missing answers are expected). */
async function followUpdate(href) {
  for (let i = 0; i < 360; i++) {
    const s = await api('GET', href).catch(() => null);
    if (s) {
      const last = s.steps[s.steps.length - 1];
      $('box-status').textContent = `Update ${s.to || ''}: ${s.state}${last ? ` — ${last.message}` : ''}`;
      if (UPDATE_FINAL.has(s.state)) return;
    } else {
      $('box-status').textContent = 'Update: the box is restarting…';
    }
    await new Promise((r) => setTimeout(r, 5000));
  }
}
