// xlive panel: API tokens for remote management — create with scopes and an expiry (shown once),
// see when each was last used, revoke.
import { $, api, can, el, showError, withBusy } from './panel-api.js';

/** The scopes a token may get: what the signed-in user holds (the box refuses more anyway). */
function grantable() {
  return ['streams:read', 'streams:write', 'recordings:read', 'recordings:write', 'plugins:admin', 'system:read', 'system:admin', 'users:admin', 'metrics:read'].filter(can);
}

export function enterTokens() {
  $('tokens-card').hidden = !can('system:admin');
  if (!can('system:admin')) return;
  $('token-scopes').replaceChildren(
    ...grantable().map((scope) =>
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'scope', value: scope, ...(scope.endsWith(':read') ? { checked: 'checked' } : {}) }), ` ${scope}`),
    ),
  );
  loadTokens().catch((err) => showError('tokens-error', err));
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : 'never');

async function loadTokens() {
  const { items } = await api('GET', 'api/v1/tokens?limit=500');
  const live = items.filter((t) => !t.revokedAt);
  $('tokens-body').replaceChildren(
    ...live.map((t) =>
      el(
        'tr',
        {},
        el('td', { class: 'mono', text: t.name }),
        el('td', { 'data-label': 'Scopes', class: 'mono', text: t.scopes.join(' ') }),
        el('td', { 'data-label': 'Expires', text: t.expiresAt ? when(t.expiresAt) : 'no expiry' }),
        el('td', { 'data-label': 'Last used', text: when(t.lastUsedAt) }),
        el(
          'td',
          { class: 'actions' },
          el('button', {
            type: 'button',
            class: 'danger',
            text: 'Revoke',
            onclick: (ev) => confirm(`Revoke the token "${t.name}"? Scripts using it stop working at once.`) &&
              withBusy(ev.currentTarget, async () => {
                try {
                  await api('DELETE', `api/v1/tokens/${t.id}`);
                  await loadTokens();
                  showError('tokens-error', null);
                } catch (err) {
                  showError('tokens-error', err);
                }
              }),
          }),
        ),
      ),
    ),
  );
  $('tokens-empty').hidden = live.length > 0;
}

$('token-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const scopes = [...document.querySelectorAll('#token-scopes input:checked')].map((i) => i.value);
  const days = $('token-days').value.trim();
  withBusy($('token-add'), async () => {
    try {
      const t = await api('POST', 'api/v1/tokens', { name: $('token-name').value.trim(), scopes, expiresInDays: days === '' ? null : Number(days) });
      $('new-token-value').value = t.token;
      $('new-token').hidden = false;
      $('token-name').value = '';
      showError('tokens-error', null);
      await loadTokens();
    } catch (err) {
      showError('tokens-error', err);
    }
  });
});

$('new-token-close').addEventListener('click', () => {
  $('new-token-value').value = '';
  $('new-token').hidden = true;
});
