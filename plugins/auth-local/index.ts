import { changedConfigKeys, definePlugin, type PluginContext } from 'xlive/sdk';
import { createAuthServices, type AuthServices } from './auth-services.js';
import { deriveKeys, loadOrCreateBoxSecret } from './box-secret.js';
import { withDefaults, type AuthLocalConfig, type PartialConfig } from './config.js';
import { keyGate } from './key-gate.js';
import { registerAuditRoutes } from './http/audit-routes.js';
import { registerSessionRoutes } from './http/session-routes.js';
import { registerStreamKeyRoutes } from './http/stream-key-routes.js';
import { registerTokenRoutes } from './http/token-routes.js';
import { registerUserRoutes } from './http/user-routes.js';
import { AUTH_LOCAL_MIGRATIONS } from './migrations.js';
import { adminCommand, keysCommand } from './cli/console-commands.js';
import { auditPluginChanges } from './plugin-change-audit.js';
import { formatSetupCode, SetupCode, setupCodeFile } from './setup-code.js';

const PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * auth-local: who may do what on this box. Local accounts and panel sessions, API tokens, stream
 * keys and playback tokens, login lockouts, and the audit log — registered as the box's AuthProvider
 * (the core guards every route with it) and as the gate at order 100 of the publish/play chain.
 */
export default definePlugin<PartialConfig>({
  // `xlive admin …`, `xlive keys …` on the console (xlive.commands in package.json).
  commands: [adminCommand, keysCommand],
  setup(ctx) {
    const config: AuthLocalConfig = withDefaults(ctx.config);
    const db = ctx.store.migrate(AUTH_LOCAL_MIGRATIONS);
    const boxKeys = deriveKeys(loadOrCreateBoxSecret(ctx.paths.data, ctx.log));
    const refused = ctx.metrics.counter<'what' | 'reason'>({
      name: 'xlive_auth_refusals_total',
      help: 'Logins, setups and publishes refused by auth-local (reason: failed, denied, rate-limited)',
      labelNames: ['what', 'reason'],
    });
    const hashing = ctx.metrics.gauge<'state'>({
      name: 'xlive_auth_password_hashing',
      help: 'Password hashes (scrypt) running and waiting in the bounded queue',
      labelNames: ['state'],
    });
    const services = createAuthServices({
      db,
      config,
      boxKeys,
      events: ctx.events,
      parsePath: (p) => ctx.streams.parsePath(p),
      onRefused: (what, reason) => refused.inc({ what, reason }),
      onHashing: (running, queued) => {
        hashing.set({ state: 'running' }, running);
        hashing.set({ state: 'queued' }, queued);
      },
      onHashRefused: () => refused.inc({ what: 'password-hash', reason: 'busy' }),
      setupCode: new SetupCode(setupCodeFile(ctx.paths.data, config)),
      endViewers: (path, reason) => endViewers(ctx, path, reason),
    });
    ctx.auth.register(services.provider);
    // Its stream-key and protected-stream checks are one gate of the publish/play chain (order 100).
    ctx.gates.register(keyGate(services.gate));
    registerSessionRoutes(ctx.http, services);
    registerUserRoutes(ctx.http, services);
    registerTokenRoutes(ctx.http, services);
    registerStreamKeyRoutes(ctx.http, services, {
      kick: (path, reason) => ctx.streams.kick(path, reason),
      endViewers: (path, reason) => endViewers(ctx, path, reason),
      boxNames: () => ctx.host.boxNames(),
      rtmpPort: () => ctx.host.listeners()['rtmp']?.port,
    });
    registerAuditRoutes(ctx.http, services);
    return {
      start: () => startServices(ctx, services),
      // Only the publish policy applies live; every other key waits for a restart of the service.
      reconfigure: (next) => {
        const updated = withDefaults(next as PartialConfig);
        services.gate.setPublishAuth(updated.publishAuth);
        if (updated.publishAuth === 'open') ctx.log.warn('publishAuth is now "open": anyone who can reach the RTMP port may publish');
        return changedConfigKeys(config, updated).filter((k) => k !== 'publishAuth');
      },
    };
  },
});

/** Access to `path` was withdrawn: cut its viewers, and have protocols that keep play decisions (HLS) forget them. */
function endViewers(ctx: PluginContext<PartialConfig>, path: string, reason: string): number {
  ctx.gates.revoke(path);
  return ctx.streams.endReaders(path, reason);
}

/** Start-up checks and the lockout pruning timer (stopped by the plugin's abort signal). */
function startServices(ctx: PluginContext<PartialConfig>, services: AuthServices): void {
  if (services.accounts.isSetupOpen()) {
    const code = services.setupCode?.current();
    if (code) ctx.log.warn(`no admin yet: open the panel and enter the setup code ${formatSetupCode(code)} (from ${services.setupCode!.file}) to set the admin password`);
    else ctx.log.warn('no admin yet: open the panel to set the admin password (or run "xlive admin create <name>" on the console; "xlive admin setup-code" makes setup require a code)');
  }
  if (services.config.publishAuth === 'open') ctx.log.warn('publishAuth is "open": anyone who can reach the RTMP port may publish');
  auditPluginChanges(ctx.events, ctx.store, services.audit);
  services.lockouts.prune();
  const timer = setInterval(() => services.lockouts.prune(), PRUNE_INTERVAL_MS);
  timer.unref();
  ctx.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

export { SetupCode, formatSetupCode, setupCodeFile } from './setup-code.js';
export { createAuthServices, createConsoleAccounts, type AuthServices } from './auth-services.js';
export { AUTH_LOCAL_MIGRATIONS } from './migrations.js';
export { withDefaults, DEFAULT_CONFIG, type AuthLocalConfig } from './config.js';
