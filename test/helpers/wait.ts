/** Bounded polling for tests: every wait has a deadline and names what it waited for when it runs out. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Poll `probe` until it returns a truthy value (returned), or throw after `timeoutMs`. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
