// xlive panel: the Streams and keys screen — create a stream key (shown once, with the OBS server),
// rotate, protect, playback links, delete.
import { $, api, can, copyFrom, el, guarded, withBusy } from './panel-api.js';
import { registerScreen } from './panel-nav.js';

registerScreen('streams', {
  enter: () => {
    $('key-form').hidden = !can('streams:write');
    guarded(loadKeys, 'keys-error');
  },
});

function showNewKey(res, title) {
  $('new-key-title').textContent = title;
  $('new-key-server').value = res.publish.server;
  $('new-key-key').value = res.key;
  $('new-key-url').value = res.publish.url;
  $('new-key').hidden = false;
  $('new-key').scrollIntoView({ behavior: 'smooth', block: 'center' });
}

function watchLinks(k) {
  const hls = new URL(`hls/${k.path}/index.m3u8`, document.baseURI).href;
  const flv = new URL(`flv/${k.path}.flv`, document.baseURI).href;
  const box = el('div', {}, el('div', { class: 'mono', text: hls }), el('div', { class: 'mono', text: flv }));
  if (k.protected) {
    box.append(
      el('button', {
        type: 'button',
        class: 'secondary',
        text: 'Make a 6-hour link',
        onclick: () => guarded(async () => {
          const t = await api('POST', 'api/v1/playback-tokens', { path: k.path });
          box.append(el('input', { readonly: 'readonly', value: `${hls}?${t.query}` }));
        }, 'keys-error'),
      }),
    );
  }
  return box;
}

async function loadKeys() {
  const { items, publishAuth } = await api('GET', 'api/v1/stream-keys?limit=500');
  $('publish-policy').textContent =
    publishAuth === 'open'
      ? 'Publishing is OPEN: any encoder that reaches this box may publish (lab mode).'
      : 'Encoders need the stream key to publish. Playback is public unless a stream is protected.';
  const write = can('streams:write');
  $('keys-body').replaceChildren(
    ...items.map((k) => {
      const actions = el('td', { class: 'actions' });
      if (write) {
        actions.append(
          el('button', {
            type: 'button',
            text: 'Rotate key',
            onclick: () => confirm(`Make a new key for ${k.path}? The old key stops working at once: if ${k.path} is live now, the broadcast is cut until the encoder has the new key.`) && guarded(async () => {
              showNewKey(await api('POST', `api/v1/stream-keys/${k.path}/rotation`), `New key for ${k.path}`);
              await loadKeys();
            }, 'keys-error'),
          }),
          el('button', {
            type: 'button',
            class: 'secondary',
            text: k.protected ? 'Make public' : 'Protect',
            onclick: () => guarded(async () => {
              await api('PATCH', `api/v1/stream-keys/${k.path}`, { protected: !k.protected });
              await loadKeys();
            }, 'keys-error'),
          }),
          ...(k.protected
            ? [
                el('button', {
                  type: 'button',
                  class: 'secondary',
                  text: 'Revoke links',
                  onclick: () => confirm(`Void every link given out for ${k.path}? People watching are disconnected.`) && guarded(async () => {
                    await api('POST', `api/v1/stream-keys/${k.path}/playback-revocation`);
                    await loadKeys();
                  }, 'keys-error'),
                }),
              ]
            : []),
          el('button', {
            type: 'button',
            class: 'danger',
            text: 'Delete',
            onclick: () => confirm(`Delete ${k.path} and its key?`) && guarded(async () => {
              await api('DELETE', `api/v1/stream-keys/${k.path}`);
              await loadKeys();
            }, 'keys-error'),
          }),
        );
      }
      return el(
        'tr',
        {},
        el('td', { class: 'mono path' }, k.path, k.server ? el('div', { class: 'ingest', text: `OBS Server: ${k.server} · Stream key: shown once when made (Rotate key for a new one)` }) : null),
        el('td', { class: 'mono', 'data-label': 'Key', text: `#${k.fingerprint}, since ${new Date(k.rotatedAt).toLocaleString()}` }),
        el('td', { 'data-label': 'Playback', text: k.protected ? 'Protected (needs a link)' : 'Public' }),
        el('td', { 'data-label': 'Watch' }, watchLinks(k)),
        actions,
      );
    }),
  );
}

$('key-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const path = $('key-path').value.trim();
  withBusy($('key-add'), () =>
    guarded(async () => {
      showNewKey(await api('POST', 'api/v1/stream-keys', { path }), `Key for ${path}`);
      $('key-path').value = '';
      await loadKeys();
    }, 'keys-error'),
  );
});

$('new-key-close').addEventListener('click', () => {
  for (const id of ['new-key-server', 'new-key-key', 'new-key-url']) $(id).value = '';
  $('new-key').hidden = true;
});

document.addEventListener('click', (ev) => {
  const target = ev.target.closest && ev.target.closest('[data-copy]');
  if (target) copyFrom($(target.getAttribute('data-copy')));
});

