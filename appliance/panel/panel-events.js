// xlive panel: the box's event timeline (publishes, plugin faults, updates, sign-ins…).
import { $, api, el } from './panel-api.js';

export async function loadEvents() {
  const { items } = await api('GET', 'api/v1/events?limit=50');
  $('events-list').replaceChildren(
    ...items.map((e) =>
      el(
        'li',
        {},
        el('time', { datetime: e.time, text: new Date(e.time).toLocaleTimeString() }),
        el('span', { class: `sev-${e.severity}`, text: `${e.type} ` }),
        el('span', { text: e.message }),
      ),
    ),
  );
}

