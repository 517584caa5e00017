import type { BoxEvent, EventsApi, PluginStore } from 'xlive/sdk';
import type { AuditLog } from './audit-log.js';

const CURSOR = 'audit.pluginChangedCursor';

/**
 * Plugin enable/disable is a core action (API or console) that lands in the event log; this copies
 * each such event into the audit table, including those recorded while this plugin was not running
 * (a cursor in the plugin's store remembers the last one copied).
 */
export function auditPluginChanges(events: EventsApi, store: PluginStore, audit: AuditLog): () => void {
  const copy = (e: BoxEvent) => {
    if (e.type !== 'plugin.changed') return;
    const d = e.data;
    audit.record({
      actor: typeof d['actor'] === 'string' ? d['actor'] : 'unknown',
      ip: typeof d['ip'] === 'string' ? d['ip'] : undefined,
      action: 'plugin.changed',
      detail: { plugin: d['plugin'], enabled: d['enabled'], eventId: e.id },
    });
    store.set(CURSOR, e.id);
  };
  const missed = events.list({ type: 'plugin.changed', afterId: store.get<number>(CURSOR) ?? 0, limit: 1000 });
  for (const e of missed) copy(e); // oldest first
  return events.onEvent(copy);
}
