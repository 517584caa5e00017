import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Where a command reads and writes (tests pass their own streams). */
export interface CliIo {
  cwd: string;
  env: Record<string, string | undefined>;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Standard input (passwords); process.stdin when not given. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
}

/** Wrong arguments: runCli prints the message and the command's usage to stderr, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parse a command's arguments with `node:util` parseArgs, strictly: an unknown option, a missing option
 * value or a positional where none is allowed is a UsageError (exit 2). `--help`/`-h` prints `usage` to
 * stdout and returns undefined (the command then exits 0). `positionals` bounds their count.
 */
export function parseCommandArgs(
  args: readonly string[],
  io: CliIo,
  usage: string,
  options: ParseArgsConfig['options'] = {},
  positionals: { min?: number; max?: number } = {},
): CommandArgs | undefined {
  let parsed: CommandArgs;
  try {
    const r = parseArgs({ args: [...args], strict: true, allowPositionals: (positionals.max ?? Infinity) > 0, options: { ...options, help: { type: 'boolean', short: 'h' } } });
    parsed = { values: r.values as CommandArgs['values'], positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  if (parsed.values['help'] === true) {
    io.out.write(usage);
    return undefined;
  }
  const n = parsed.positionals.length;
  if (n < (positionals.min ?? 0)) throw new UsageError('missing arguments', usage);
  if (n > (positionals.max ?? Infinity)) throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max ?? 0]}"`, usage);
  return parsed;
}
