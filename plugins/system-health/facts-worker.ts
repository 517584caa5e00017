/**
 * Worker-thread entry: gathers the static system facts with `systeminformation` (which blocks on shell
 * commands) off the main event loop, posts them once, and exits. Started by FactsCollector.
 */
import { parentPort } from 'node:worker_threads';
import si from 'systeminformation';
import { collectSystemFacts } from './system-facts.js';

try {
  parentPort?.postMessage({ ok: true, facts: await collectSystemFacts(si) });
} catch (err) {
  parentPort?.postMessage({ ok: false, error: (err as Error).message ?? String(err) });
}
