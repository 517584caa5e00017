// xlive panel: installing a plugin from its package (.tgz, as `npm pack` makes it) and uninstalling
// third-party plugins. The box checks the whole package before anything is written; a new plugin is
// installed disabled, and the consent dialog (panel-plugins.js) opens at once for its permissions.
import { $, api, can, el, upload } from './panel-api.js';

/** The install form, in `#plugin-install`; `afterInstall(id)` refreshes the list and offers Enable. */
export function renderInstall(afterInstall) {
  const box = $('plugin-install');
  if (!can('plugins:admin')) return box.replaceChildren();
  if (box.childElementCount) return;
  const file = el('input', { id: 'plugin-file', type: 'file', accept: '.tgz,.gz,application/gzip', required: 'required' });
  const bar = el('progress', { id: 'plugin-progress', hidden: 'hidden' });
  const status = el('p', { id: 'plugin-install-status', role: 'status' });
  const submit = el('button', { id: 'plugin-upload', type: 'submit', text: 'Install' });
  const send = async (update) => {
    const f = file.files[0];
    if (!f) return;
    submit.disabled = true;
    status.className = '';
    status.textContent = `Uploading ${f.name}…`;
    try {
      const p = await upload('POST', `api/v1/plugins${update ? '?update=true' : ''}`, f, 'application/gzip', (sent, total) => {
        bar.hidden = false;
        bar.max = total || 1;
        bar.value = sent;
      });
      status.className = 'ok';
      status.textContent = update
        ? `Updated ${p.id} to ${p.version}${p.previousVersion ? ` (was ${p.previousVersion})` : ''}; its data is kept.${p.restartRequired ? ' Restart the service to run the new version.' : ''}`
        : `Installed ${p.id} ${p.version}. It stays disabled until you enable it and agree to the permissions it asks for (${p.permissions.length ? p.permissions.join(', ') : 'none'}).`;
      file.value = '';
      await afterInstall(p.id, !update);
    } catch (err) {
      status.className = 'error';
      status.replaceChildren(`Not installed: ${err.message}`);
      if (err.problem && err.problem.code === 'PLUGIN_ALREADY_INSTALLED') {
        status.append(' ', el('button', { type: 'button', class: 'secondary', text: 'Install as an update (keeps its data)', onclick: () => send(true) }));
      }
    } finally {
      submit.disabled = false;
      bar.hidden = true;
    }
  };
  const form = el(
    'form',
    { id: 'plugin-install-form', class: 'inline' },
    el('label', { for: 'plugin-file', text: 'Install a plugin (.tgz package)' }),
    file,
    submit,
    bar,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    send(false);
  });
  box.replaceChildren(form, status);
}

/** Uninstall a third-party plugin: its code goes; its data too only when the admin ticks the box. */
export function askUninstall(p, onDone) {
  const purge = el('input', { type: 'checkbox', id: 'uninstall-purge' });
  const ok = el('button', { type: 'submit', value: 'uninstall', class: 'danger', text: `Uninstall ${p.id}` });
  const dialog = el(
    'dialog',
    { class: 'consent', 'aria-labelledby': 'uninstall-title' },
    el(
      'form',
      { method: 'dialog' },
      el('h3', { id: 'uninstall-title', text: `Uninstall ${p.id} ${p.version || ''}?` }),
      el('p', { text: 'It stops now and its code is removed from the box.' }),
      el('div', { class: 'check-row' }, purge, el('label', { for: 'uninstall-purge', text: 'Also delete the data it stored on this box' })),
      el('div', { class: 'row' }, ok, el('button', { type: 'button', class: 'secondary', text: 'Cancel', onclick: () => dialog.close('cancel') })),
    ),
  );
  dialog.addEventListener('close', async () => {
    dialog.remove();
    if (dialog.returnValue !== 'uninstall') return;
    try {
      const r = await api('DELETE', `api/v1/plugins/${encodeURIComponent(p.id)}${purge.checked ? '?purge=true' : ''}`);
      await onDone(null, `Uninstalled ${r.id} ${r.version || ''}${r.purged ? ' and deleted its data' : '; its data is kept for a reinstall'}.`);
    } catch (err) {
      await onDone(err, `Not uninstalled: ${err.message}`);
    }
  });
  document.body.append(dialog);
  dialog.showModal();
}
