export type HealthStatus = 'ok' | 'warn' | 'fail';

export interface HealthResult {
  status: HealthStatus;
  message?: string;
}

export interface HealthCheck {
  /** Unique, kebab-case (`disk-free`, `rtmp-listener`). Plugin checks are prefixed with the plugin id. */
  name: string;
  check(): HealthResult | Promise<HealthResult>;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Array<{ name: string; status: HealthStatus; message?: string; since: string }>;
}
