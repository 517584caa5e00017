// xlive panel: the box's name, network, time zone and NTP, its system facts and disks; for admins, forms
// to change the hostname, the time zone and the Wi-Fi network (applied by the root helper, followed here).
// Everything from the API goes in with textContent (el()); API URLs are relative (works behind a proxy).
import { $, api, can, el, withBusy } from './panel-api.js';

const FINAL = new Set(['applied', 'partial', 'failed', 'refused']);
const POLL_MS = 2000;
const POLL_MAX = 60;
const HOSTNAME = '[a-z0-9]([a-z0-9\\-]{0,61}[a-z0-9])?';

/** What this module owns while the box card is shown; reset by leaveBoxSettings(). */
const view = { poll: null, generation: 0 };

export function enterBoxSettings() {
  leaveBoxSettings();
  const root = $('box-settings');
  if (!root || !can('system:read')) return;
  const gen = view.generation;
  root.replaceChildren(el('p', { class: 'hint', text: 'Reading the box…' }));
  load(gen).catch((err) => {
    if (gen === view.generation) root.replaceChildren(el('p', { class: 'error', role: 'alert', text: `Could not read the box: ${err.message}` }));
  });
}

export function leaveBoxSettings() {
  view.generation++;
  clearTimeout(view.poll);
  view.poll = null;
}

async function load(gen) {
  const [box, sys] = await Promise.all([api('GET', 'api/v1/system/box'), api('GET', 'api/v1/system').catch(() => null)]);
  if (gen !== view.generation) return;
  const parts = [el('div', { id: 'boxset-facts' }, ...factSections(box, sys))];
  if (can('system:admin')) parts.push(await changeSection(box));
  if (gen !== view.generation) return;
  $('box-settings').replaceChildren(...parts);
  if (box.lastChange && !FINAL.has(box.lastChange.state)) follow(box.lastChange.id, gen);
}

function factSections(box, sys) {
  return [networkSection(box), timeSection(box), systemSection(sys)];
}

/** After a change: the facts again (the forms and their messages stay). */
async function reloadFacts(gen) {
  const [box, sys] = await Promise.all([api('GET', 'api/v1/system/box'), api('GET', 'api/v1/system').catch(() => null)]);
  if (gen === view.generation && $('boxset-facts')) $('boxset-facts').replaceChildren(...factSections(box, sys));
}

// ---- facts ----------------------------------------------------------------------------------------

/** A definition list of [term, value] pairs (value: text or a node); null values are left out. */
function facts(label, rows) {
  return el('dl', { class: 'facts', 'aria-label': label }, ...rows.filter((r) => r[1] !== null && r[1] !== undefined && r[1] !== '').flatMap(([k, v]) => [el('dt', { text: k }), el('dd', {}, v)]));
}

function networkSection(box) {
  const ifaces = box.interfaces.filter((i) => i.kind !== 'other' || i.up);
  return el(
    'section',
    { 'aria-labelledby': 'boxset-net-h' },
    el('h3', { id: 'boxset-net-h', text: 'Name and network' }),
    facts('Name', [
      ['Hostname', el('span', { class: 'mono', id: 'boxset-hostname', text: box.hostname })],
      ['Open by name', el('a', { href: box.mdnsUrl, class: 'mono', id: 'boxset-mdns', text: box.mdnsUrl })],
    ]),
    ifaces.length === 0
      ? el('p', { class: 'hint', text: 'No network interface found.' })
      : el('ul', { class: 'ifaces', id: 'boxset-ifaces' }, ...ifaces.map(ifaceItem)),
  );
}

function ifaceItem(i) {
  const kind = i.kind === 'wifi' ? 'Wi-Fi' : i.kind === 'wired' ? 'Wired' : 'Other';
  const state = i.up ? 'connected' : i.state === 'down' || i.state === 'lowerlayerdown' ? 'not connected' : i.state;
  const wifi = i.kind === 'wifi' ? (i.ssid ? ` to "${i.ssid}"` : i.up ? ' (network name unknown)' : '') : '';
  const addrs = i.addresses.filter((a) => !a.address.startsWith('fe80:')).map((a) => `${a.address}/${a.prefix}`);
  return el(
    'li',
    {},
    el('strong', { text: `${kind} ${i.name}: ` }),
    el('span', { class: i.up ? 'state-running' : 'hint', text: `${state}${wifi}` }),
    addrs.length ? el('span', { class: 'mono', text: ` — ${addrs.join(', ')}` }) : null,
  );
}

function timeSection(box) {
  const ntp = box.ntp.synchronized === true ? 'synchronized' : box.ntp.synchronized === false ? 'not synchronized yet (no time server reached)' : 'unknown on this box';
  return el(
    'section',
    { 'aria-labelledby': 'boxset-time-h' },
    el('h3', { id: 'boxset-time-h', text: 'Time' }),
    facts('Time', [
      ['Time zone', el('span', { id: 'boxset-tz', text: box.timezone.name })],
      ['Clock (this browser\'s time zone)', new Date(box.time).toLocaleString()],
      ['Network time (NTP)', el('span', { id: 'boxset-ntp', class: box.ntp.synchronized === false ? 'sev-warn' : '', text: ntp })],
    ]),
  );
}

const gb = (b) => (b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${Math.round(b / 1e6)} MB`);

function systemSection(sys) {
  const f = sys && sys.facts;
  const rows = [];
  if (sys) rows.push(['xlive', sys.box.version]);
  if (f && f.model) rows.push(['Model', [f.model.manufacturer, f.model.model, f.model.raspberry ? f.model.raspberry.type : ''].filter(Boolean).join(' ')]);
  if (f && f.os) rows.push(['System', `${f.os.distro} ${f.os.release} (${f.os.arch}), kernel ${f.os.kernel}`]);
  if (f && f.cpu) rows.push(['Processor', `${f.cpu.manufacturer} ${f.cpu.brand}, ${f.cpu.cores} cores`]);
  if (sys && sys.hot && sys.hot.memory) rows.push(['Memory', `${gb(sys.hot.memory.availableBytes)} free of ${gb(sys.hot.memory.totalBytes)}`]);
  const disks = (f && f.disks) || [];
  const fss = ((f && f.filesystems) || []).filter((x) => x.sizeBytes > 0);
  return el(
    'section',
    { 'aria-labelledby': 'boxset-sys-h' },
    el('h3', { id: 'boxset-sys-h', text: 'System' }),
    sys ? facts('System', rows) : el('p', { class: 'hint', text: 'System facts are not available (the system-health plugin is off).' }),
    f ? null : sys ? el('p', { class: 'hint', text: sys.factsError ? `System facts: ${sys.factsError}` : 'System facts are still being gathered.' }) : null,
    disks.length ? el('h4', { text: 'Disks' }) : null,
    disks.length ? el('ul', { id: 'boxset-disks' }, ...disks.map((d) => el('li', { text: `${d.name || d.device} (${d.type || d.interfaceType || 'disk'}), ${gb(d.sizeBytes)}` }))) : null,
    fss.length ? el('h4', { text: 'File systems' }) : null,
    fss.length
      ? el('ul', { id: 'boxset-fs' }, ...fss.map((x) => el('li', {}, el('span', { class: 'mono', text: x.mount }), ` — ${gb(Math.max(0, x.sizeBytes - x.usedBytes))} free of ${gb(x.sizeBytes)} (${x.type})`)))
      : null,
  );
}

// ---- changes (system:admin) -----------------------------------------------------------------------

async function timezoneNames() {
  const names = [];
  let next = null;
  for (let i = 0; i < 5; i++) {
    const page = await api('GET', `api/v1/system/timezones?limit=500${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
    names.push(...page.items);
    next = page.next;
    if (!next) break;
  }
  return names;
}

/** A message line under a form: role=status for progress, role=alert for problems. */
function messageLine(id) {
  return el('p', { id, class: 'hint', role: 'status', 'aria-live': 'polite' });
}

function say(id, text, kind) {
  const p = $(id);
  if (!p) return;
  p.textContent = text;
  p.className = kind === 'error' ? 'error' : kind === 'ok' ? 'state-running' : 'hint';
  p.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

async function changeSection(box) {
  const names = await timezoneNames().catch(() => [box.timezone.name]);
  if (!names.includes(box.timezone.name)) names.unshift(box.timezone.name);
  const tzSelect = el('select', { id: 'boxset-tz-select', name: 'timezone' }, ...names.map((n) => el('option', { value: n, text: n, ...(n === box.timezone.name ? { selected: 'selected' } : {}) })));
  return el(
    'section',
    { 'aria-labelledby': 'boxset-change-h', id: 'boxset-change' },
    el('h3', { id: 'boxset-change-h', text: 'Change name, time zone, Wi-Fi' }),
    box.supported ? null : el('p', { class: 'hint', id: 'boxset-unsupported', text: `Changing these is not possible on this box: ${box.reason}` }),
    el('p', { id: 'boxset-last', class: 'hint', role: 'status', 'aria-live': 'polite', text: lastText(box.lastChange) }),
    el(
      'form',
      { id: 'boxset-hostname-form', class: 'boxset-form', onsubmit: (ev) => submit(ev, 'hostname', () => ({ hostname: $('boxset-hostname-input').value.trim() }), 'The box gets a new name: the panel link by name changes to the new one.') },
      el('label', { for: 'boxset-hostname-input', text: 'Hostname (also its name on the local network, NAME.local)' }),
      el('input', { id: 'boxset-hostname-input', name: 'hostname', required: 'required', maxlength: '63', pattern: HOSTNAME, autocapitalize: 'none', spellcheck: 'false', value: box.hostname, 'aria-describedby': 'boxset-hostname-help' }),
      el('p', { id: 'boxset-hostname-help', class: 'hint', text: 'Lower-case letters, digits and "-", up to 63.' }),
      el('button', { type: 'submit', id: 'boxset-hostname-submit', text: 'Change hostname' }),
      messageLine('boxset-hostname-msg'),
    ),
    el(
      'form',
      { id: 'boxset-tz-form', class: 'boxset-form', onsubmit: (ev) => submit(ev, 'tz', () => ({ timezone: tzSelect.value }), null) },
      el('label', { for: 'boxset-tz-select', text: 'Time zone' }),
      tzSelect,
      el('button', { type: 'submit', id: 'boxset-tz-submit', text: 'Change time zone' }),
      messageLine('boxset-tz-msg'),
    ),
    el(
      'form',
      {
        id: 'boxset-wifi-form',
        class: 'boxset-form',
        onsubmit: (ev) =>
          submit(
            ev,
            'wifi',
            () => ({ wifi: { country: $('boxset-wifi-country').value.trim().toUpperCase(), ssid: $('boxset-wifi-ssid').value, psk: $('boxset-wifi-psk').value } }),
            'Connect the box to this Wi-Fi network? If you reach the box over Wi-Fi and the name or password is wrong, it goes offline until it has a cable (or a new xlive-setup.json).',
          ),
      },
      el('h4', { text: 'Wi-Fi' }),
      el('label', { for: 'boxset-wifi-country', text: 'Country (two letters, e.g. DE: the radio\'s legal channels)' }),
      el('input', { id: 'boxset-wifi-country', name: 'country', required: 'required', minlength: '2', maxlength: '2', pattern: '[A-Za-z]{2}', autocapitalize: 'characters', autocomplete: 'off' }),
      el('label', { for: 'boxset-wifi-ssid', text: 'Network name (SSID)' }),
      el('input', { id: 'boxset-wifi-ssid', name: 'ssid', required: 'required', maxlength: '32', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
      el('label', { for: 'boxset-wifi-psk', text: 'Password (8 to 63 characters; never shown again)' }),
      el('input', { id: 'boxset-wifi-psk', name: 'psk', type: 'password', required: 'required', minlength: '8', maxlength: '63', autocomplete: 'new-password' }),
      el(
        'div',
        { class: 'row' },
        el('button', { type: 'submit', id: 'boxset-wifi-submit', text: 'Connect to this network' }),
        el('button', {
          type: 'button',
          class: 'danger',
          id: 'boxset-wifi-forget',
          text: 'Forget Wi-Fi',
          onclick: (ev) => send(ev.currentTarget, 'wifi', { wifi: null }, 'Forget the Wi-Fi network? If you reach the box over Wi-Fi, it goes offline until it has a cable.'),
        }),
      ),
      messageLine('boxset-wifi-msg'),
    ),
    el(
      'div',
      { class: 'row', id: 'boxset-reboot-row' },
      el('button', {
        type: 'button',
        class: 'danger',
        id: 'boxset-reboot',
        text: 'Reboot the box',
        onclick: (ev) => send(ev.currentTarget, 'reboot', { reboot: true }, 'Reboot the whole box now? Every stream and viewer is cut for about a minute; encoders reconnect by themselves.'),
      }),
      messageLine('boxset-reboot-msg'),
    ),
  );
}

function submit(ev, key, body, confirmText) {
  ev.preventDefault();
  send(ev.submitter || ev.currentTarget.querySelector('button[type=submit]'), key, body(), confirmText);
}

function send(button, key, body, confirmText) {
  if (confirmText && !confirm(confirmText)) return;
  const msg = `boxset-${key}-msg`;
  withBusy(button, async () => {
    say(msg, 'Sending…');
    try {
      const r = await api('PUT', 'api/v1/system/box', body);
      if (key === 'wifi') $('boxset-wifi-psk').value = '';
      say(msg, 'Queued: the box applies it in a few seconds…', 'ok');
      follow(r.id, view.generation, msg);
    } catch (err) {
      say(msg, err.message, 'error');
    }
  });
}

function lastText(c) {
  if (!c) return 'No change requested yet.';
  const settings = Object.entries(c.settings || {}).map(([k, s]) => `${k} ${s.value}: ${s.ok ? 'done' : s.message}`);
  const when = c.finishedAt ? ` (${new Date(c.finishedAt).toLocaleString()})` : '';
  const words = { queued: 'waiting for the system helper', applying: 'being applied', applied: 'applied', partial: 'partly applied', failed: 'failed', refused: 'refused' };
  return `Last change${c.by ? ` by ${c.by}` : ''}: ${words[c.state] || c.state}${when}${settings.length ? ` — ${settings.join('; ')}` : c.message && FINAL.has(c.state) ? ` — ${c.message}` : ''}`;
}

/** Poll the box until the request `id` is final (bounded), then show the outcome and reload the facts. */
function follow(id, gen, msgId) {
  let n = 0;
  const tick = async () => {
    if (gen !== view.generation) return;
    let box = null;
    try {
      box = await api('GET', 'api/v1/system/box');
    } catch (err) {
      if (err.status === 401) return leaveBoxSettings();
    }
    if (gen !== view.generation) return;
    const c = box && box.lastChange;
    if (c && c.id === id) {
      say('boxset-last', lastText(c));
      if (FINAL.has(c.state)) {
        if (msgId) say(msgId, c.state === 'applied' ? 'Done.' : lastText(c), c.state === 'applied' ? 'ok' : 'error');
        reloadFacts(gen).catch(() => {});
        return;
      }
    }
    if (++n < POLL_MAX) view.poll = setTimeout(tick, POLL_MS);
    else if (msgId) say(msgId, 'No result yet: the system helper may not be running (see the log).', 'error');
  };
  clearTimeout(view.poll);
  view.poll = setTimeout(tick, POLL_MS);
}
