/** The systemd unit's LimitNOFILE fits the default connection caps: the box does not clamp them at start. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../../test/helpers/appliance.js';
import { coreSchema } from '../config/core-schema.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { ConnectionLimits } from '../sdk/net.js';
import { FdBudget } from './fd-budget.js';
import { rtmpConnectionLimits, type RtmpPluginConfig } from '../../plugins/rtmp/index.js';

function defaults(props: Record<string, { default?: unknown }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, v.default]));
}

describe('systemd LimitNOFILE', () => {
  it('leaves room for the default HTTP and RTMP caps plus the file headroom', () => {
    const unit = readFileSync(join(PACKAGE_ROOT, 'systemd', 'xlive.service'), 'utf8');
    const limit = Number(/^LimitNOFILE=(\d+)$/m.exec(unit)?.[1]);
    assert.ok(limit > 0, 'the unit sets LimitNOFILE');
    const c = coreSchema.properties.connections.properties;
    const http = defaults(c.http.properties) as unknown as ConnectionLimits;
    const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'plugins', 'rtmp', 'package.json'), 'utf8')) as { xlive: { configSchema: { properties: Record<string, { default?: unknown }> } } };
    const rtmp = rtmpConnectionLimits(defaults(manifest.xlive.configSchema.properties) as unknown as RtmpPluginConfig);
    const warnings: string[] = [];
    const quiet = silentLogger();
    const log: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (m) => void warnings.push(m), child: () => quiet, isLevelEnabled: () => true };
    const budget = new FdBudget(limit, c.fileHeadroom.default, log);
    assert.deepEqual(budget.claim('http', http, 0.75), http);
    assert.deepEqual(budget.claim('rtmp', rtmp), rtmp);
    assert.deepEqual(warnings, []);
    // The files (segments served by in-flight responses, SQLite, writers) fit beside the sockets.
    const established = http.maxTotal - http.maxIdleTotal - http.reserved;
    assert.ok(limit - http.maxTotal - rtmp.maxTotal >= established + 200, `LimitNOFILE ${limit} leaves room for ${established} open segment files`);
  });
});
