import { ConflictError } from 'xlive/sdk';
import type { AuditLog } from './audit-log.js';
import type { StreamKeyInfo, StreamKeyStore } from './stream-key-store.js';

export interface ProtectionChange {
  info: StreamKeyInfo;
  /** Viewers ended because the stream became protected (they come back with a link). */
  viewersEnded: number;
}

/**
 * A stream's viewing protection, kept on its key: the one place both `PATCH /api/v1/stream-keys/…`
 * and the SDK (`AuthApi.setStreamProtection`, used by `/api/v1/stream-settings`) change it, so both
 * end the viewers who joined while the stream was public and audit the change the same way.
 */
export class StreamProtection {
  constructor(
    private readonly d: {
      keys: Pick<StreamKeyStore, 'get' | 'require' | 'setProtected'>;
      audit: Pick<AuditLog, 'record'>;
      endViewers?: (path: string, reason: string) => number;
    },
  ) {}

  /** false for a stream without a key (public). */
  get(path: string): boolean {
    return this.d.keys.get(path)?.protected ?? false;
  }

  /** NotFoundError when the stream has no key (see `requireKey`). */
  set(path: string, on: boolean, who: { actor: string; ip?: string | undefined }): ProtectionChange {
    const before = this.d.keys.require(path);
    const info = this.d.keys.setProtected(before.path, on);
    const viewersEnded = on && !before.protected ? (this.d.endViewers?.(info.path, 'the stream is now protected') ?? 0) : 0;
    this.d.audit.record({ actor: who.actor, ip: who.ip, action: 'key.protection-changed', detail: { stream: info.path, protected: on, viewersEnded } });
    return { info, viewersEnded };
  }

  /**
   * As `set`, for callers that do not manage keys: turning protection off on a stream without a key
   * changes nothing (it is public); turning it on is a ConflictError that says how to make the key.
   */
  setByPath(path: string, on: boolean, who: { actor: string; ip?: string | undefined }): boolean {
    if (!this.d.keys.get(path)) {
      if (!on) return false;
      throw new ConflictError(`${path.slice(0, 200)} has no stream key; protection lives on the key: create one first (POST /api/v1/stream-keys {"path":"${path.slice(0, 200)}","protected":true})`);
    }
    return this.set(path, on, who).info.protected;
  }
}
