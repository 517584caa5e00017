import { join } from 'node:path';

/** Written to the runtime directory by the box when it is ready, removed when it stops (appliance.ts). */
export const READY_FILE = 'ready.json';

/** Where the service and the console drop update requests: `<dataDir>/updates/incoming`. */
export function spoolDirOf(dataDir: string): string {
  return join(dataDir, 'updates', 'incoming');
}

/** The updater's journal in its state directory (`update.stateDir`). */
export function journalFileOf(stateDir: string): string {
  return join(stateDir, 'journal.jsonl');
}
