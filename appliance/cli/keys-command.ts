import { parseArgs } from 'node:util';
import { isXliveError, ValidationError } from '../../core/errors/xlive-error.js';
import { parseStreamPath } from '../../core/streams/stream-path.js';
import { withAuthLocal } from './admin-command.js';
import type { CliIo } from './run-cli.js';

export const KEYS_USAGE = `usage: xlive keys list                        the streams that have a key (never the keys)
       xlive keys create APP/NAME [--protected] a key for a stream; printed once. XLIVE_STREAM_KEY=<32 chars>
                                                sets it instead (flash-time provisioning: the encoder is set up first)
`;

/** `xlive keys list|create` on the console (auth-local's stream keys, as the panel and the API manage them). */
export async function keysCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: false, options: { protected: { type: 'boolean', default: false } } });
  const [action, path, ...extra] = positionals;
  if (!(action === 'list' && !path) && !(action === 'create' && path && extra.length === 0)) {
    io.err.write(KEYS_USAGE);
    return 64;
  }
  try {
    return await withAuthLocal(io, async ({ db }) => {
      const { StreamKeyStore } = await import('../../plugins/auth-local/stream-key-store.js');
      const keys = new StreamKeyStore(db, parseStreamPath);
      if (action === 'list') {
        for (const k of keys.list()) io.out.write(`${k.path}${k.protected ? ' (protected)' : ''}\n`);
        return 0;
      }
      const given = io.env['XLIVE_STREAM_KEY'];
      if (given === '') throw new ValidationError('XLIVE_STREAM_KEY is empty');
      const { info, key } = keys.create(path!, values['protected'] === true, given);
      io.out.write(given ? `stream key for ${info.path} set\n` : `stream key for ${info.path}: ${key}\n(shown once; publish to rtmp://<box>/${info.app}/<key>)\n`);
      return 0;
    });
  } catch (err) {
    if (!isXliveError(err)) throw err;
    io.err.write(`xlive keys: ${err.message}\n`);
    return 1;
  }
}
