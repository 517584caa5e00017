import { ConflictError } from '../errors/xlive-error.js';
import type { HealthCheck, HealthReport, HealthResult, HealthStatus } from '../sdk/health.js';

const RANK: Record<HealthStatus, number> = { ok: 0, warn: 1, fail: 2 };
const CHECK_TIMEOUT_MS = 2000;

/** Health checks from core and plugins, run together for `/readyz` and the system summary. */
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly since = new Map<string, { status: HealthStatus; at: Date }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  register(check: HealthCheck): void {
    if (this.checks.has(check.name)) throw new ConflictError(`health check "${check.name}" is already registered`);
    this.checks.set(check.name, check);
  }

  unregister(name: string): void {
    this.checks.delete(name);
    this.since.delete(name);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async run(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks.values()].map(async (c) => {
        const result = await runOne(c);
        const prior = this.since.get(c.name);
        const at = prior && prior.status === result.status ? prior.at : this.now();
        this.since.set(c.name, { status: result.status, at });
        return { name: c.name, status: result.status, message: result.message, ...(result.publicMessage ? { publicMessage: result.publicMessage } : {}), since: at.toISOString() };
      }),
    );
    const status = entries.reduce<HealthStatus>((worst, e) => (RANK[e.status] > RANK[worst] ? e.status : worst), 'ok');
    return { status, checks: entries };
  }
}

async function runOne(check: HealthCheck): Promise<HealthResult> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(() => check.check()),
      new Promise<HealthResult>((resolve) => {
        timer = setTimeout(() => resolve({ status: 'fail', message: `check did not answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    return { status: 'fail', message: (err as Error).message ?? String(err) };
  } finally {
    clearTimeout(timer);
  }
}
