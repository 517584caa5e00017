export type HealthStatus = 'ok' | 'warn' | 'fail';

export interface HealthResult {
  status: HealthStatus;
  /** Shown to callers with `system:read` only: may name paths, streams, error text. */
  message?: string;
  /** Shown to anyone on the public `/readyz`: what a stranger may read (no paths, stream names or error text). */
  publicMessage?: string;
}

export interface HealthCheck {
  /** Unique, kebab-case (`disk-free`, `rtmp-listener`). Plugin checks are prefixed with the plugin id. */
  name: string;
  check(): HealthResult | Promise<HealthResult>;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Array<{ name: string; status: HealthStatus; message?: string; publicMessage?: string; since: string }>;
}
