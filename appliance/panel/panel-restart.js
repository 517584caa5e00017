// xlive panel: the "restart needed" banner of the Settings and Plugins screens — what waits for a
// restart of the service, and a Restart button (POST api/v1/system/restart) after which the panel waits
// for the box to answer again and reloads the screen.
import { api, can, el } from './panel-api.js';

/**
 * Fill `host` with the banner for `waiting` (words, one per thing waiting), or hide it when nothing waits.
 * `back`: { done(): Promise<boolean> (nothing waits any more: the new process answers), reload(), announce(text) }.
 */
export function renderRestartBanner(host, waiting, back) {
  // Unchanged: keep the banner as it is (its button keeps the focus, a restart under way its status).
  const sig = JSON.stringify(waiting);
  if (host.dataset.waiting === sig) return;
  host.dataset.waiting = sig;
  host.hidden = waiting.length === 0;
  if (waiting.length === 0) return host.replaceChildren();
  const status = el('p', { class: 'restart-status', role: 'status' });
  const error = el('p', { class: 'error', role: 'alert', hidden: 'hidden' });
  const button = can('system:admin')
    ? el('button', { type: 'button', class: 'danger', text: 'Restart the service', onclick: () => restart(button, status, error, back) })
    : el('p', { class: 'hint', text: 'An admin (system:admin) can restart the service.' });
  host.replaceChildren(
    el('p', { class: 'restart-title', text: 'Restart needed: saved changes take effect only after a restart of the service.' }),
    el('ul', {}, ...waiting.map((w) => el('li', { text: w }))),
    ...[button, status, error].filter(Boolean),
  );
}

async function restart(button, status, error, back) {
  if (!confirm('Restart the xlive service now? Every stream and viewer drops for a few seconds; encoders and players reconnect by themselves.')) return;
  button.disabled = true;
  error.hidden = true;
  try {
    await api('POST', 'api/v1/system/restart', { reason: 'panel: changes waiting for a restart' });
  } catch (err) {
    button.disabled = false;
    error.textContent = err.message;
    error.hidden = false;
    return;
  }
  status.textContent = 'Restarting… streams drop for a few seconds; the panel reconnects by itself.';
  // Until the new process answers with nothing waiting (bounded: 90 tries, 1 s apart).
  for (let i = 0; i < 90; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    if (await back.done().catch(() => false)) {
      await back.reload();
      back.announce('The service restarted: the saved changes are in effect.');
      return;
    }
  }
  status.textContent = 'The box has not come back for 90 seconds: check it on its console (journalctl -u xlive).';
  button.disabled = false;
}
