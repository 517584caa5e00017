import type { BoxEvent, EventsApi, PluginStore } from 'xlive/sdk';
import type { AuditLog } from './audit-log.js';

const CURSOR = 'audit.pluginChangedCursor';
/** Core plugin actions copied into the audit log: enable/disable, install (upload or console), uninstall. */
const TYPES = ['plugin.changed', 'plugin.installed', 'plugin.uninstalled'] as const;

/**
 * Plugin enable/disable, install and uninstall are core actions (API or console) that lands in the event log; this copies
 * each such event into the audit table, including those recorded while this plugin was not running
 * (a cursor in the plugin's store remembers the last one copied).
 */
export function auditPluginChanges(events: EventsApi, store: PluginStore, audit: AuditLog): () => void {
  const copy = (e: BoxEvent) => {
    const type = TYPES.find((t) => t === e.type);
    if (!type) return;
    const d = e.data;
    const detail =
      e.type === 'plugin.changed'
        ? { plugin: d['plugin'], enabled: d['enabled'], eventId: e.id }
        : e.type === 'plugin.installed'
          ? { plugin: d['plugin'], version: d['version'], previousVersion: d['previousVersion'], permissions: d['permissions'], eventId: e.id }
          : { plugin: d['plugin'], version: d['version'], purged: d['purged'], eventId: e.id };
    audit.record({
      actor: typeof d['actor'] === 'string' ? d['actor'] : 'unknown',
      ip: typeof d['ip'] === 'string' ? d['ip'] : undefined,
      action: type,
      detail,
    });
    store.set(CURSOR, e.id);
  };
  const after = store.get<number>(CURSOR) ?? 0;
  const missed = TYPES.flatMap((type) => events.list({ type, afterId: after, limit: 1000 })).sort((a, b) => a.id - b.id);
  for (const e of missed) copy(e); // oldest first
  return events.onEvent(copy);
}
