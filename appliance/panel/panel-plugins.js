// xlive panel: the Plugins screen — each plugin's state and problems.
import { $, api, el, guarded } from './panel-api.js';
import { registerScreen } from './panel-nav.js';

registerScreen('plugins', {
  enter: () => guarded(loadPlugins),
  refresh: () => guarded(loadPlugins),
});

async function loadPlugins() {
  const { items } = await api('GET', 'api/v1/plugins?limit=500');
  $('plugins-body').replaceChildren(
    ...items.map((p) =>
      el(
        'tr',
        {},
        el('td', { class: 'mono', text: p.id }),
        el('td', { text: p.version || '–' }),
        el('td', { class: `state-${p.state}`, text: p.state }),
        el('td', { text: p.error ? `${p.error.code}: ${p.error.message}` : consentNote(p) }),
      ),
    ),
  );
}

/** A third-party plugin waits for an admin to confirm the permissions it declares. */
function consentNote(p) {
  if (!p.consentPending) return '';
  const perms = p.permissions && p.permissions.length ? p.permissions.join(', ') : 'none';
  return `third-party plugin, disabled until an admin consents to its permissions (${perms}): xlive plugins enable ${p.id}`;
}

