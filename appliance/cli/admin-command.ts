import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ReadStream } from 'node:tty';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../core/config/config-loader.js';
import { isXliveError, ValidationError } from '../../core/errors/xlive-error.js';
import { silentLogger } from '../../core/logging/logger.js';
import { readManifest } from '../../core/plugins/manifest.js';
import { installSdkResolver } from '../../core/plugins/sdk-resolver.js';
import { closeDatabase, createPluginStore } from '../../core/store/index.js';
import type { AuthLocalConfig, PartialConfig } from '../../plugins/auth-local/config.js';
import type { PluginDatabase } from '../../core/sdk/index.js';
import { readBuildInfo } from '../build-info.js';
import { openPluginDatabases, openStateDatabase } from '../composition-root.js';
import type { CliIo } from './run-cli.js';

const PLUGIN_ID = 'auth-local';
const MAX_STDIN_BYTES = 64 * 1024;
export const ADMIN_USAGE = `usage: xlive admin create <username>          create an admin account (also closes first-boot setup)
       xlive admin reset-password <username>  set a new password, end that user's sessions, clear lockouts
       xlive admin setup-code                 print the first-boot setup code (made on first use); setup then needs it
       xlive admin hash-password              print the hash of a password, for "admin.passwordHash" in xlive-setup.json
The password is read from XLIVE_ADMIN_PASSWORD, or from standard input (first line; asked twice without echo on a terminal).
"create" takes a hash from XLIVE_ADMIN_PASSWORD_HASH instead (what "hash-password" printed).
`;

type Input = NodeJS.ReadableStream & Partial<Pick<ReadStream, 'isTTY' | 'setRawMode'>>;

/**
 * `xlive admin create|reset-password <username>` on the console: the way in when no one can log in.
 * Opens the core database and auth-local's own database file, and uses auth-local's account service. Exit codes:
 * 0 done, 64 usage, 1 refused (the message says why).
 */
export async function adminCommand(args: string[], io: CliIo, stdin: Input = process.stdin): Promise<number> {
  const [action, username, ...extra] = args;
  if (action === 'setup-code' && args.length === 1) return setupCodeCommand(io);
  if (action === 'hash-password' && args.length === 1) return hashPasswordCommand(io, stdin);
  if ((action !== 'create' && action !== 'reset-password') || !username || extra.length > 0) {
    io.err.write(ADMIN_USAGE);
    return 64;
  }
  try {
    // Flash-time provisioning passes a hash made elsewhere, so the password never touches the card.
    const hash = action === 'create' ? io.env['XLIVE_ADMIN_PASSWORD_HASH'] : undefined;
    const password = hash ? '' : (io.env['XLIVE_ADMIN_PASSWORD'] ?? (await readPassword(stdin, io)));
    return await withAuthLocal(io, async ({ db, config }) => {
      const { createConsoleAccounts } = await import('../../plugins/auth-local/auth-services.js');
      const accounts = createConsoleAccounts(db, config);
      if (action === 'create') {
        const user = hash ? accounts.createAdminWithHash(username, hash) : await accounts.createAdmin(username, password);
        io.out.write(`admin "${user.username}" created; log in to the panel with it\n`);
      } else {
        const user = await accounts.resetPassword(username, password);
        io.out.write(`password of "${user.username}" (${user.role}${user.disabled ? ', disabled' : ''}) reset; their sessions were ended\n`);
      }
      return 0;
    });
  } catch (err) {
    if (!isXliveError(err)) throw err;
    io.err.write(`xlive admin: ${err.message}\n`);
    return 1;
  }
}

/**
 * Open auth-local's database (`<dataDir>/plugin-data/auth-local/auth-local.db`, migrated; moved out of
 * xlive.db if an older release left it there) with its effective config, for console commands.
 */
export async function withAuthLocal<T>(io: CliIo, fn: (auth: { db: PluginDatabase; config: AuthLocalConfig }) => Promise<T>): Promise<T> {
  const config = loadConfig({ cwd: io.cwd, env: io.env });
  const build = readBuildInfo();
  // The plugin imports 'xlive/sdk', which resolves through the host's hook (as when serving).
  installSdkResolver(pathToFileURL(join(build.packageRoot, 'dist', 'core', 'sdk', 'index.js')).href);
  const { withDefaults } = await import('../../plugins/auth-local/config.js');
  const { AUTH_LOCAL_MIGRATIONS } = await import('../../plugins/auth-local/migrations.js');
  const manifest = readManifest(join(build.builtinPluginsDir, PLUGIN_ID), 'builtin');
  const pluginConfig = withDefaults(config.pluginSection(PLUGIN_ID, manifest.configSchema) as PartialConfig);
  const log = silentLogger();
  const { db } = openStateDatabase(config.values, log);
  const pluginDbs = openPluginDatabases(config.values, db, log);
  try {
    return await fn({ db: createPluginStore(db, PLUGIN_ID, pluginDbs).migrate(AUTH_LOCAL_MIGRATIONS), config: pluginConfig });
  } finally {
    pluginDbs.closeAll();
    closeDatabase(db, log);
  }
}

/**
 * `xlive admin hash-password`: the hash of a password (from XLIVE_ADMIN_PASSWORD or standard input),
 * for `admin.passwordHash` in xlive-setup.json. Runs on any machine with xlive; touches no data.
 */
async function hashPasswordCommand(io: CliIo, stdin: Input): Promise<number> {
  installSdkResolver(pathToFileURL(join(readBuildInfo().packageRoot, 'dist', 'core', 'sdk', 'index.js')).href);
  const { hashPassword, DEFAULT_SCRYPT, MAX_PASSWORD_BYTES } = await import('../../plugins/auth-local/password-hash.js');
  const { DEFAULT_CONFIG } = await import('../../plugins/auth-local/config.js');
  const password = io.env['XLIVE_ADMIN_PASSWORD'] ?? (await readPassword(stdin, io));
  const min = DEFAULT_CONFIG.passwordMinLength;
  if ([...password].length < min || Buffer.byteLength(password) > MAX_PASSWORD_BYTES) {
    io.err.write(`xlive admin: a password needs at least ${min} characters (and at most ${MAX_PASSWORD_BYTES} bytes)\n`);
    return 1;
  }
  io.out.write(`${await hashPassword(password, DEFAULT_SCRYPT)}\n`);
  return 0;
}

/** `xlive admin setup-code`: the code a first-boot setup must then present (created, mode 0600, when missing). */
async function setupCodeCommand(io: CliIo): Promise<number> {
  try {
    const config = loadConfig({ cwd: io.cwd, env: io.env });
    const build = readBuildInfo();
    installSdkResolver(pathToFileURL(join(build.packageRoot, 'dist', 'core', 'sdk', 'index.js')).href);
    const { withDefaults } = await import('../../plugins/auth-local/config.js');
    const { SetupCode, formatSetupCode, setupCodeFile } = await import('../../plugins/auth-local/index.js');
    const manifest = readManifest(join(build.builtinPluginsDir, PLUGIN_ID), 'builtin');
    const pluginConfig = withDefaults(config.pluginSection(PLUGIN_ID, manifest.configSchema) as PartialConfig);
    const dir = join(config.values.dataDir, 'plugin-data', PLUGIN_ID);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const code = new SetupCode(setupCodeFile(dir, pluginConfig));
    io.out.write(`setup code: ${formatSetupCode(code.ensure())}\n(from ${code.file}; the panel asks for it until the admin exists)\n`);
    return 0;
  } catch (err) {
    if (!isXliveError(err)) throw err;
    io.err.write(`xlive admin: ${err.message}\n`);
    return 1;
  }
}

async function readPassword(stdin: Input, io: CliIo): Promise<string> {
  if (stdin.isTTY && stdin.setRawMode) {
    const first = await promptHidden('new password: ', stdin, io.err);
    const again = await promptHidden('again: ', stdin, io.err);
    if (first !== again) throw new ValidationError('the two passwords differ');
    return first;
  }
  let data = '';
  for await (const chunk of stdin) {
    data += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (data.length > MAX_STDIN_BYTES) throw new ValidationError('standard input is too long for a password');
    if (data.includes('\n')) break;
  }
  const line = data.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new ValidationError('no password given: set XLIVE_ADMIN_PASSWORD or pipe it on standard input');
  return line;
}

/** Read one line from a terminal in raw mode, echoing nothing. */
function promptHidden(prompt: string, input: Input, out: NodeJS.WritableStream): Promise<string> {
  out.write(prompt);
  input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: () => void) => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      out.write('\n');
      result();
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new ValidationError('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (value.length < 1024) value += ch;
      }
    };
    input.on('data', onData);
  });
}
