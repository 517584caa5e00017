/**
 * The core tests' door to the plugin test harness (core/sdk/testing/host-parts.ts), typed with the core's
 * own classes. A first-party plugin's manifest is read from `dist/plugins/<id>/package.json`.
 * Plugin tests use `xlive/sdk/testing` instead.
 */
import { join } from 'node:path';
import { createTestContext as create, type TestContext, type TestContextOptions } from '../../core/sdk/testing/host-parts.js';
import { PACKAGE_ROOT } from './appliance.js';

export { createSharedParts, type SharedParts, type TestContext, type TestContextOptions } from '../../core/sdk/testing/host-parts.js';

export function createTestContext<C = Record<string, unknown>>(opts: TestContextOptions<C>): TestContext<C> {
  return create<C>({ manifestDir: join(PACKAGE_ROOT, 'dist', 'plugins', opts.id), ...opts });
}
