import type { HealthReport } from '../sdk/health.js';

/** The scope that shows `/readyz` in full (messages, error text). */
export const READYZ_DETAIL_SCOPE = 'system:read';

/**
 * `/readyz` as a stranger may see it: each check's name, status and since, plus its `publicMessage`
 * when the check wrote one; never `message` (it may carry paths, stream names, internal error text).
 */
export function publicHealthReport(report: HealthReport): HealthReport {
  return {
    status: report.status,
    checks: report.checks.map((c) => ({ name: c.name, status: c.status, ...(c.publicMessage ? { publicMessage: c.publicMessage } : {}), since: c.since })),
  };
}
