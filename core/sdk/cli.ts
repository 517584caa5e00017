import type { ParseArgsConfig } from 'node:util';
import type { Logger } from './logger.js';
import type { PluginPaths, PluginStore } from './plugin.js';
import type { StreamApi } from './streams.js';

/**
 * A console command a plugin contributes (`xlive <name> …`; API 1.3.0). The plugin declares its names in
 * its manifest (`xlive.commands`) so the console finds the plugin without importing every plugin, and
 * the definitions in `definePlugin({ commands })`. The console loads ONLY that plugin's module, never
 * calls `setup`/`start`, and runs the command with a {@link PluginCommandContext}: the box need not run.
 * Only enabled plugins' commands are offered; a name taken by a core command is refused.
 */
export interface PluginCommand<C = Record<string, unknown>> {
  /** `xlive <name>`: lowercase letters, digits and dashes, also listed in the manifest's `xlive.commands`. */
  name: string;
  /** One line for `xlive help`. */
  summary: string;
  /** The full usage text, printed for `--help` and for wrong arguments (exit 2). */
  usage: string;
  /** `node:util` parseArgs options; parsing is strict (an unknown option is a usage error). */
  options?: ParseArgsConfig['options'];
  /** Positional arguments allowed (default true). */
  allowPositionals?: boolean;
  /**
   * Do the work; return the exit code (0 when nothing is returned). Throw a coded error (ValidationError,
   * ConflictError, …) to refuse: its message is printed and the exit code is 1. Throw
   * {@link CommandUsageError} for wrong arguments: the usage is printed and the exit code is 64.
   */
  run(ctx: PluginCommandContext<C>, args: PluginCommandArgs): number | void | Promise<number | void>;
}

/** What parseArgs made of the arguments after `xlive <name>`. */
export interface PluginCommandArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** The minimal context of a console command: no hub, no HTTP, no other plugins. */
export interface PluginCommandContext<C = Record<string, unknown>> {
  readonly id: string;
  /** The plugin's config section (files, settings, env; validated against its schema, defaults applied). */
  readonly config: Readonly<C>;
  /** To standard error, warnings and errors only (XLIVE_LOG_LEVEL=debug shows more). */
  readonly log: Logger;
  /** The plugin's own store and database, opened on first use (a command that needs no data touches none). */
  readonly store: PluginStore;
  readonly paths: PluginPaths;
  /** Stream path parsing, as on the box. */
  readonly streams: Pick<StreamApi, 'parsePath'>;
  /** The console's environment (XLIVE_*), output streams and input. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
}

/** Thrown by a command for wrong arguments: the console prints the command's usage, exit code 64. */
export class CommandUsageError extends Error {
  constructor(message = 'wrong arguments') {
    super(message);
    this.name = 'CommandUsageError';
  }
}
