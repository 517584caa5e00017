// xlive panel: forms generated from JSON Schema (the core configuration schema, a plugin's configSchema).
// Objects become fieldsets, enums selects, integers/numbers number fields with their bounds, booleans
// checkboxes, arrays of strings a textarea one per line; anything else (maps, arrays of objects) a JSON
// textarea. Every field is labelled and described (description, default, bounds, the dotted key).
// Keys the box will not take from the API are read-only with the reason. A save sends only the changed
// fields; the box's validation problems are shown next to the field they name and summed up on top.
import { el, state } from './panel-api.js';

/** The schema of a dotted key under `root` (undefined when the schema does not declare it). */
export function schemaAt(root, key) {
  let node = root;
  for (const seg of key.split('.')) {
    node = node && node.properties && Object.hasOwn(node.properties, seg) ? node.properties[seg] : undefined;
  }
  return node;
}

/** The value of a dotted key in a tree of values (undefined when absent). */
export function valueIn(tree, key) {
  let node = tree;
  for (const seg of key.split('.')) node = node !== null && typeof node === 'object' ? node[seg] : undefined;
  return node;
}

/** The words for a lock reason from the config API (`env XLIVE_HTTP_PORT`, `console-only`, `path`). */
export function lockWords(lockedBy) {
  if (lockedBy.startsWith('env ')) return `Locked: set by ${lockedBy.slice(4)} on this box (its environment). Change it where the service is started.`;
  if (lockedBy === 'console-only') return 'Locked: console only. Set it in the config file on the box.';
  if (lockedBy === 'path') return 'Locked: a folder of the box. Set it in the config file or environment on the box.';
  return `Locked: ${lockedBy}.`;
}

const WORDS = { ms: '(ms)', ip: 'IP', api: 'API', http: 'HTTP', url: 'URL', urls: 'URLs', rtmp: 'RTMP', ttl: 'TTL', hls: 'HLS', gop: 'GOP', dir: 'folder' };

/** `apiPerIpPerMinute` → `API per IP per minute`. */
export function humanize(name) {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase().split(' ');
  const text = words.map((w) => WORDS[w] || w).join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const kindOf = (s) => {
  if (Array.isArray(s.enum)) return 'enum';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.type === 'string') return 'string';
  if (s.type === 'array' && s.items && s.items.type === 'string') return 'lines';
  return 'json';
};
const SECRET_KEY = /(password|passwd|secret|token|key|credential)s?$/i;
const fieldId = (prefix, key) => `${prefix}-${key.replace(/\./g, '__').replace(/[^A-Za-z0-9_-]/g, '-')}`;
const show = (v) => (typeof v === 'string' ? v || '""' : JSON.stringify(v));

/**
 * A form for `fields` ([{ key, schema, label? }], keys dotted from the configuration's root; the label
 * defaults to the schema's title or the key's last segment in words).
 * opts: id (prefix of element ids), valueOf(key), lockOf(key) → reason or null,
 * save(changes) → Promise of the API's answer ({ changes: [{ key, value, applied }] }),
 * restartWhat ('the service' or 'the plugin'), onSaved(answer).
 */
export function schemaForm(opts) {
  const controls = [];
  const groups = [];
  const summary = el('div', { class: 'form-summary error', role: 'alert', id: `${opts.id}-summary`, hidden: 'hidden' });
  const status = el('p', { class: 'form-status', role: 'status', id: `${opts.id}-status` });
  const save = el('button', { type: 'submit', text: opts.submitText || 'Save' });
  const form = el('form', { class: 'schema-form', id: opts.id, novalidate: 'novalidate' }, summary, ...opts.fields.map((f) => node(f.key, f.schema, f.label)), el('div', { class: 'row' }, save), status);

  function node(key, schema, label) {
    if (schema.type === 'object' && schema.properties) {
      const err = el('p', { class: 'field-error error', id: `${fieldId(opts.id, key)}-error`, hidden: 'hidden' });
      groups.push({ key, err });
      return el(
        'fieldset',
        { class: 'group' },
        el('legend', { text: label || schema.title || humanize(key.split('.').pop()) }),
        schema.description ? el('p', { class: 'hint', text: schema.description }) : null,
        err,
        ...Object.entries(schema.properties).map(([k, s]) => node(`${key}.${k}`, s)),
      );
    }
    return leaf(key, schema, label);
  }

  function leaf(key, schema, text) {
    const id = fieldId(opts.id, key);
    const kind = kindOf(schema);
    const value = opts.valueOf(key);
    const lock = opts.lockOf(key);
    // The box masks values under secret-looking keys (core/config/format-value.ts): never shown, typed blind.
    const secret = value === '***' || (kind === 'string' && SECRET_KEY.test(key.split('.').pop()));
    const isSet = value === '***';
    const label = el('label', { for: id, text: text || schema.title || humanize(key.split('.').pop()) });
    const hint = el('p', { class: 'hint', id: `${id}-hint` }, ...hintParts(schema, kind, key, lock, isSet));
    const err = el('p', { class: 'field-error error', id: `${id}-error`, hidden: 'hidden' });
    const described = { 'aria-describedby': `${id}-hint ${id}-error` };
    let input;
    if (kind === 'boolean') {
      input = el('input', { type: 'checkbox', id, ...described });
      input.checked = value === undefined ? schema.default === true : value === true;
    } else if (kind === 'enum') {
      input = el('select', { id, ...described }, ...schema.enum.map((v, i) => el('option', { value: String(i), text: show(v) })));
      const at = schema.enum.findIndex((v) => JSON.stringify(v) === JSON.stringify(value === undefined ? schema.default : value));
      if (at < 0) input.prepend(el('option', { value: '', text: '(not set)' }));
      input.value = at < 0 ? '' : String(at);
    } else if (kind === 'lines' || kind === 'json') {
      input = el('textarea', { id, rows: '3', spellcheck: 'false', ...described });
      input.value = kind === 'lines' ? (Array.isArray(value) ? value.join('\n') : '') : value === undefined ? '' : JSON.stringify(value, null, 2);
    } else {
      const attrs = kind === 'number'
        ? { type: 'number', inputmode: schema.type === 'integer' ? 'numeric' : 'decimal', step: schema.type === 'integer' ? '1' : 'any', ...(schema.minimum !== undefined ? { min: String(schema.minimum) } : {}), ...(schema.maximum !== undefined ? { max: String(schema.maximum) } : {}) }
        : { type: secret ? 'password' : 'text', spellcheck: 'false', autocomplete: 'off', ...(isSet ? { placeholder: 'set: type to replace it' } : {}), ...(secret ? { autocomplete: 'new-password' } : {}) };
      input = el('input', { id, ...attrs, ...described });
      input.value = secret || value === undefined || value === null ? '' : String(value);
    }
    if (lock) {
      if (kind === 'boolean' || kind === 'enum') input.disabled = true;
      else input.readOnly = true;
    }
    const c = { key, kind, schema, input, err, lock, raw: () => (kind === 'boolean' ? input.checked : input.value) };
    c.baseline = c.raw();
    controls.push(c);
    const wrap = el('div', { class: `field${lock ? ' locked' : ''}` });
    if (kind === 'boolean') wrap.append(el('div', { class: 'check-row' }, input, label), hint, err);
    else wrap.append(label, input, hint, err);
    return wrap;
  }

  /** The value to send for a changed control, or { error } in words when it cannot be read. */
  function parse(c) {
    const raw = c.raw();
    if (c.kind === 'boolean') return { value: raw };
    if (c.kind === 'enum') return { value: raw === '' ? null : c.schema.enum[Number(raw)] };
    // A number field the browser cannot read ("1e") has the value "": not a reset to the default.
    if (c.kind === 'number' && c.input.validity && c.input.validity.badInput) return { error: 'must be a number' };
    const text = c.kind === 'json' || c.kind === 'lines' ? raw : raw.trim();
    if (c.kind === 'lines') return { value: text.split('\n').map((l) => l.trim()).filter(Boolean) };
    if (text.trim() === '') return { value: null }; // emptied: back to the layer below (the default)
    if (c.kind === 'number') {
      const n = Number(text);
      return Number.isFinite(n) ? { value: n } : { error: 'must be a number' };
    }
    if (c.kind === 'json') {
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { error: 'is not valid JSON' };
      }
    }
    return { value: text };
  }

  function clearProblems() {
    summary.hidden = true;
    summary.replaceChildren();
    for (const c of [...controls, ...groups]) {
      c.err.hidden = true;
      c.err.textContent = '';
      c.input?.removeAttribute('aria-invalid');
    }
  }

  /** Mark the control (or fieldset) a problem names; returns whether one was found. */
  function markField(key, message) {
    const c = controls.find((x) => x.key === key) || controls.find((x) => key.startsWith(`${x.key}.`)) ||
      [...groups].sort((a, b) => b.key.length - a.key.length).find((g) => g.key === key || key.startsWith(`${g.key}.`) || g.key.startsWith(`${key}.`));
    if (!c) return false;
    c.err.textContent = c.err.hidden ? message : `${c.err.textContent}; ${message}`;
    c.err.hidden = false;
    c.input?.setAttribute('aria-invalid', 'true');
    return true;
  }

  function showProblem(detail, marked) {
    summary.append(el('p', { text: `Not saved: ${detail}` }));
    if (marked) summary.append(el('p', { text: 'The fields concerned are marked below.' }));
    summary.hidden = false;
    const first = controls.find((c) => c.input.getAttribute('aria-invalid') === 'true');
    (first ? first.input : summary).focus?.();
  }

  /** The box's problem+json: `errors` [{ key, message }], or `key` + `rule`, or `locked` [{ key, lockedBy }]. */
  function serverProblem(err) {
    const p = err.problem || {};
    let marked = false;
    if (Array.isArray(p.errors) && p.errors.length) for (const e of p.errors) marked = markField(String(e.key), e.message || 'is invalid') || marked;
    else if (typeof p.key === 'string') marked = markField(p.key, p.rule || err.message);
    if (Array.isArray(p.locked)) for (const l of p.locked) marked = markField(String(l.key), lockWords(String(l.lockedBy))) || marked;
    showProblem(err.message, marked);
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearProblems();
    status.textContent = '';
    const changes = {};
    const sent = [];
    let bad = false;
    for (const c of controls) {
      const unreadable = c.kind === 'number' && c.input.validity && c.input.validity.badInput;
      if (c.lock || (!unreadable && c.raw() === c.baseline)) continue;
      const r = parse(c);
      if (r.error) bad = markField(c.key, r.error) || bad;
      else {
        changes[c.key] = r.value;
        sent.push(c);
      }
    }
    if (bad) return showProblem('some values cannot be read; nothing was sent.', true);
    if (sent.length === 0) {
      status.textContent = 'Nothing changed: edit a value first.';
      return;
    }
    save.disabled = true;
    status.textContent = 'Saving…';
    try {
      const answer = await opts.save(changes);
      for (const c of sent) {
        const done = (answer.changes || []).find((x) => x.key === c.key);
        if (changes[c.key] === null && done && done.value !== undefined && c.kind !== 'boolean') {
          c.input.value = c.kind === 'lines' ? (done.value || []).join('\n') : c.kind === 'json' ? JSON.stringify(done.value, null, 2) : String(done.value ?? '');
        }
        c.baseline = c.raw();
      }
      status.textContent = savedWords(answer.changes || [], opts.restartWhat || 'the service');
      opts.onSaved?.(answer);
    } catch (err) {
      status.textContent = '';
      if (err.status === 401 && state.onSessionEnd) return state.onSessionEnd('Your session ended. Please sign in again.');
      serverProblem(err);
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

function hintParts(schema, kind, key, lock, secret) {
  const parts = [];
  if (lock) parts.push(el('strong', { text: lockWords(lock) }), ' ');
  if (schema.description) parts.push(`${schema.description}. `.replace(/\.\. $/, '. '));
  if (kind === 'number' && (schema.minimum !== undefined || schema.maximum !== undefined)) {
    parts.push(schema.maximum === undefined ? `At least ${schema.minimum}. ` : schema.minimum === undefined ? `At most ${schema.maximum}. ` : `From ${schema.minimum} to ${schema.maximum}. `);
  }
  if (kind === 'lines') parts.push('One per line. ');
  if (kind === 'json') parts.push('JSON. ');
  if (secret) parts.push('A secret: it is never shown; leave empty to keep it. ');
  if (schema.default !== undefined && !(typeof schema.default === 'object' && schema.default !== null && !Array.isArray(schema.default))) {
    const bytes = typeof schema.default === 'number' && /Bytes$/.test(key) && schema.default >= 1024 ? ` (${inBytes(schema.default)})` : '';
    parts.push(`Default: ${Array.isArray(schema.default) ? (schema.default.length ? schema.default.join(', ') : 'none') : show(schema.default)}${bytes}. `);
  }
  if (!lock && kind !== 'boolean' && kind !== 'enum' && kind !== 'lines') parts.push('Empty: back to the default. ');
  parts.push(el('code', { text: key }));
  return parts;
}

/** "Saved: in effect now." / "Saved. Takes effect after a restart of the service: events.maxEvents." */
export function savedWords(changes, restartWhat) {
  const later = changes.filter((c) => c.applied === 'restart').map((c) => c.key);
  const n = changes.length === 1 ? '1 change' : `${changes.length} changes`;
  if (later.length === 0) return `Saved ${n}: in effect now.`;
  if (later.length === changes.length) return `Saved ${n}. It takes effect after a restart of ${restartWhat}: ${later.join(', ')}.`;
  return `Saved ${n}. In effect now, except what waits for a restart of ${restartWhat}: ${later.join(', ')}.`;
}

/** 268435456 → "256 MiB". */
function inBytes(n) {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}
