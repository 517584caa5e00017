import { createHash } from 'node:crypto';

/**
 * A stream name fit for logs, audit and events: a name of 16 or more characters may be a stream key
 * (encoders send the key as the name), so it is shown only as `key#<first 8 hex of its SHA-256>` —
 * the same fingerprint the stream-key list shows — never in full or in part.
 */
export function maskStreamName(name: string): string {
  if (name.length < 16) return name;
  return `key#${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/** `<app>/<name>` with the name masked as `maskStreamName` does. */
export function maskStreamPath(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? maskStreamName(path) : `${path.slice(0, slash)}/${maskStreamName(path.slice(slash + 1))}`;
}
