// xlive panel: first-boot setup, sign-in and sign-out. Plain browser JavaScript modules, no build step.
import { $, api, show, showError, withBusy } from './panel-api.js';
import { enterDashboard, leaveDashboard } from './panel-dashboard.js';
import { explainSignIn } from './panel-signin.js';
// The screens register themselves with the navigation (panel-nav.js).
import './panel-keys.js';
import './panel-recordings.js';
import './panel-plugins.js';
import './panel-settings.js';
import './panel-box.js';
import './panel-people.js';

const BANNERS = {
  'lab-open': 'LAB MODE: no auth plugin is running and this box is OPEN — anyone who can reach it controls it and may publish. Turn lab mode off on the console.',
  closed: 'No auth plugin is running, so this box refuses every sign-in, publish and play. The box log (journalctl -u xlive) names the cause and the fix.',
};

/** The lab-mode / fail-closed banner, from the public version endpoint. */
async function showAuthBanner() {
  const v = await api('GET', 'api/v1/version').catch(() => null);
  const text = v && (BANNERS[v.auth] || (v.labMode ? 'Lab mode is on: if the auth plugin stops, this box runs open to anyone.' : ''));
  $('auth-banner').textContent = text || '';
  $('auth-banner').hidden = !text;
}

async function boot() {
  showAuthBanner();
  try {
    const s = await api('GET', 'api/v1/session');
    if (s.authenticated && s.user) return enterDashboard(s);
    if (s.setupOpen) {
      // The installer may have written a setup code (shown on the console): then setup asks for it.
      const setup = await api('GET', 'api/v1/setup');
      const field = $('setup-code-field');
      field.hidden = !setup.setupCodeRequired;
      $('setup-code').required = Boolean(setup.setupCodeRequired);
    }
    show(s.setupOpen ? 'view-setup' : 'view-login');
    (s.setupOpen ? $('setup-password') : $('login-username')).focus();
  } catch (err) {
    show('view-login');
    showError('global-error', err);
  }
}

$('setup-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  showError('setup-error', null);
  const username = $('setup-username').value.trim();
  const password = $('setup-password').value;
  if (password !== $('setup-password2').value) return showError('setup-error', new Error('The two passwords are different.'));
  withBusy($('setup-submit'), async () => {
    try {
      const setupCode = $('setup-code-field').hidden ? undefined : $('setup-code').value.trim();
      enterDashboard(await api('POST', 'api/v1/setup', { username, password, ...(setupCode ? { setupCode } : {}) }));
    } catch (err) {
      if (err.status === 409) {
        show('view-login');
        return showError('login-error', new Error('Setup was already done. Sign in instead.'));
      }
      showError('setup-error', err);
    }
  });
});

$('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  showError('login-error', null);
  withBusy($('login-submit'), async () => {
    try {
      enterDashboard(await api('POST', 'api/v1/session', { username: $('login-username').value.trim(), password: $('login-password').value }));
    } catch (err) {
      showError('login-error', explainSignIn(err, $('login-username').value.trim()));
    }
  });
});

$('logout').addEventListener('click', () =>
  withBusy($('logout'), async () => {
    await api('DELETE', 'api/v1/session').catch(() => null);
    leaveDashboard(null);
  }),
);

$('logout-all').addEventListener('click', () => {
  if (!confirm('End every session of this account, on all devices?')) return;
  withBusy($('logout-all'), async () => {
    await api('DELETE', 'api/v1/sessions').catch(() => null);
    leaveDashboard('Signed out on all devices.');
  });
});

boot();
