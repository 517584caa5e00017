import type { HealthRegistry } from '../core/health/health-registry.js';
import type { PluginHost } from '../core/plugins/plugin-host.js';
import type { SqliteDatabase } from '../core/store/database.js';

/** Checks the core owns: the database answers and is writable; plugins run. */
export function registerCoreHealthChecks(health: HealthRegistry, deps: { db: SqliteDatabase; plugins: Pick<PluginHost, 'list'> }): void {
  health.register({
    name: 'database',
    check: () => {
      try {
        deps.db.prepare('SELECT 1').get();
        deps.db.exec('BEGIN IMMEDIATE; ROLLBACK;');
        return { status: 'ok' };
      } catch (err) {
        return { status: 'fail', message: `database unwritable: ${(err as Error).message}` };
      }
    },
  });
  health.register({
    name: 'plugins',
    check: () => {
      const broken = deps.plugins.list().filter((p) => p.state === 'failed' || p.state === 'skipped');
      if (broken.length === 0) return { status: 'ok' };
      // A broken built-in plugin means the box cannot do its job; an external one is a warning.
      const status = broken.some((p) => p.source === 'builtin') ? 'fail' : 'warn';
      return { status, message: broken.map((p) => `${p.id} ${p.state}${p.error ? ` (${p.error.code})` : ''}`).join(', ') };
    },
  });
}
