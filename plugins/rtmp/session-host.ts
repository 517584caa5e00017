import type { Logger } from 'xlive/sdk';
import type { OutgoingMessage } from './codec/chunk-writer.js';

/** What a connection offers the publish and play sessions running on it. */
export interface SessionHost {
  /** `ip:port` of the peer. */
  readonly remote: string;
  readonly log: Logger;
  /** Outgoing chunk size (announced with Set Chunk Size after connect). */
  readonly chunkSize: number;
  readonly closed: boolean;
  /** Serialise and send one message. */
  send(msg: OutgoingMessage): void;
  /** Send pre-built chunks (shared frame chunks); false when the socket is backpressured. */
  writeChunks(chunks: readonly Uint8Array[]): boolean;
  /** Close the connection after flushing what was sent; `reason` goes to the log. */
  close(reason: string, level?: 'info' | 'warn'): void;
}
