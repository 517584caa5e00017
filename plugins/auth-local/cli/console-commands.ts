import { CommandUsageError, ValidationError, type PluginCommand, type PluginCommandContext } from 'xlive/sdk';
import { createConsoleAccounts } from '../auth-services.js';
import { DEFAULT_CONFIG, withDefaults, type PartialConfig } from '../config.js';
import { AUTH_LOCAL_MIGRATIONS } from '../migrations.js';
import { DEFAULT_SCRYPT, hashPassword, MAX_PASSWORD_BYTES } from '../password-hash.js';
import { formatSetupCode, SetupCode, setupCodeFile } from '../setup-code.js';
import { StreamKeyStore } from '../stream-key-store.js';
import { readPassword } from './read-password.js';

type Ctx = PluginCommandContext<PartialConfig>;

export const ADMIN_USAGE = `usage: xlive admin create <username>          create an admin account (also closes first-boot setup)
       xlive admin reset-password <username>  set a new password, end that user's sessions, clear lockouts
       xlive admin setup-code                 print the first-boot setup code (made on first use); setup then needs it
       xlive admin hash-password              print the hash of a password, for "admin.passwordHash" in xlive-setup.json
The password is read from XLIVE_ADMIN_PASSWORD, or from standard input (first line; asked twice without echo on a terminal).
"create" takes a hash from XLIVE_ADMIN_PASSWORD_HASH instead (what "hash-password" printed).
`;

export const KEYS_USAGE = `usage: xlive keys list                        the streams that have a key (never the keys)
       xlive keys create APP/NAME [--protected] a key for a stream; printed once. XLIVE_STREAM_KEY=<32 chars>
                                                sets it instead (flash-time provisioning: the encoder is set up first)
`;

/**
 * `xlive admin create|reset-password <username>`, `setup-code`, `hash-password`: the way in when no one
 * can log in. Runs on the console without the box (a console command of this plugin: its own database
 * and config, nothing else). Exit codes: 0 done, 64 usage, 1 refused (the message says why).
 */
export const adminCommand: PluginCommand<PartialConfig> = {
  name: 'admin',
  summary: 'create the admin, reset a password, print the setup code or a password hash',
  usage: ADMIN_USAGE,
  async run(ctx, { positionals }) {
    const [action, username, ...extra] = positionals;
    if (action === 'setup-code' && positionals.length === 1) return setupCode(ctx);
    if (action === 'hash-password' && positionals.length === 1) return hashOnly(ctx);
    if ((action !== 'create' && action !== 'reset-password') || !username || extra.length > 0) throw new CommandUsageError();
    // Flash-time provisioning passes a hash made elsewhere, so the password never touches the card.
    const hash = action === 'create' ? ctx.env['XLIVE_ADMIN_PASSWORD_HASH'] : undefined;
    const password = hash ? '' : (ctx.env['XLIVE_ADMIN_PASSWORD'] ?? (await readPassword(ctx.stdin, ctx.err)));
    const accounts = createConsoleAccounts(ctx.store.migrate(AUTH_LOCAL_MIGRATIONS), withDefaults(ctx.config));
    if (action === 'create') {
      const user = hash ? accounts.createAdminWithHash(username, hash) : await accounts.createAdmin(username, password);
      ctx.out.write(`admin "${user.username}" created; log in to the panel with it\n`);
    } else {
      const user = await accounts.resetPassword(username, password);
      ctx.out.write(`password of "${user.username}" (${user.role}${user.disabled ? ', disabled' : ''}) reset; their sessions were ended\n`);
    }
    return 0;
  },
};

/** `xlive keys list|create` (auth-local's stream keys, as the panel and the API manage them). */
export const keysCommand: PluginCommand<PartialConfig> = {
  name: 'keys',
  summary: 'list the streams that have a key, or create a stream key',
  usage: KEYS_USAGE,
  options: { protected: { type: 'boolean', default: false } },
  run(ctx, { values, positionals }) {
    const [action, path, ...extra] = positionals;
    if (!(action === 'list' && !path) && !(action === 'create' && path && extra.length === 0)) throw new CommandUsageError();
    const keys = new StreamKeyStore(ctx.store.migrate(AUTH_LOCAL_MIGRATIONS), (p) => ctx.streams.parsePath(p));
    if (action === 'list') {
      for (const k of keys.list()) ctx.out.write(`${k.path}${k.protected ? ' (protected)' : ''}\n`);
      return 0;
    }
    const given = ctx.env['XLIVE_STREAM_KEY'];
    if (given === '') throw new ValidationError('XLIVE_STREAM_KEY is empty');
    const { info, key } = keys.create(path!, values['protected'] === true, given);
    ctx.out.write(given ? `stream key for ${info.path} set\n` : `stream key for ${info.path}: ${key}\n(shown once; publish to rtmp://<box>/${info.app}/<key>)\n`);
    return 0;
  },
};

/** The hash of a password, for `admin.passwordHash` in xlive-setup.json; touches no data. */
async function hashOnly(ctx: Ctx): Promise<number> {
  const password = ctx.env['XLIVE_ADMIN_PASSWORD'] ?? (await readPassword(ctx.stdin, ctx.err));
  const min = DEFAULT_CONFIG.passwordMinLength;
  if ([...password].length < min || Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    throw new ValidationError(`a password needs at least ${min} characters (and at most ${MAX_PASSWORD_BYTES} bytes)`);
  }
  ctx.out.write(`${await hashPassword(password, DEFAULT_SCRYPT)}\n`);
  return 0;
}

/** The code a first-boot setup must then present (created, mode 0600, when missing). */
function setupCode(ctx: Ctx): number {
  const code = new SetupCode(setupCodeFile(ctx.paths.data, withDefaults(ctx.config)));
  ctx.out.write(`setup code: ${formatSetupCode(code.ensure())}\n(from ${code.file}; the panel asks for it until the admin exists)\n`);
  return 0;
}
