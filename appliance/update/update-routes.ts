import { ValidationError } from '../../core/errors/xlive-error.js';
import type { SecuredRouter } from '../../core/http/secured-router.js';
import type { JsonSchema } from '../../core/sdk/http.js';
import type { UpdateService } from './update-service.js';

export const UPDATES_PATH = '/api/v1/updates';

const STEP = { type: 'string', enum: ['queued', 'received', 'refused', 'installing', 'succeeded', 'failed', 'rolled-back', 'rollback-failed'] };
const STATUS: JsonSchema = {
  type: 'object',
  required: ['id', 'state', 'final', 'steps'],
  properties: {
    id: { type: 'string' },
    state: STEP,
    final: { type: 'boolean', description: 'true once the update succeeded, was refused, or rolled back' },
    from: { type: ['string', 'null'] },
    to: { type: ['string', 'null'] },
    by: { type: ['string', 'null'] },
    steps: { type: 'array', items: { type: 'object', properties: { at: { type: 'string' }, step: STEP, message: { type: 'string' } } } },
  },
};
const ID = { type: 'string', pattern: '^u-[0-9]{14}-[0-9a-f]{8}$' };

/**
 * Updates over the API: upload a package (system:admin), then follow it. The service only queues the
 * package; the root updater installs it, health-gates it and rolls back (docs/appliance.md, "Updates").
 */
export function registerUpdateRoutes(r: SecuredRouter, updates: UpdateService): void {
  r.add(
    'core',
    'POST',
    UPDATES_PATH,
    {
      scope: 'system:admin',
      doc: {
        summary: 'Upload an xlive .deb to install; it rolls back by itself if the new version does not become ready',
        tags: ['system'],
        body: { contentType: 'application/vnd.debian.binary-package', schema: { type: 'string', format: 'binary' }, required: true, description: 'the xlive_<version>_<arch>.deb file' },
        responses: { 202: { description: 'queued; follow it at `href`', schema: { type: 'object', properties: { id: { type: 'string' }, state: STEP, href: { type: 'string' }, bytes: { type: 'integer' }, sha256: { type: 'string' } } } } },
      },
    },
    async (c) => {
      const body = c.req.raw.body;
      if (!body) throw new ValidationError('send the .deb file as the request body (curl --data-binary @xlive_<version>_<arch>.deb)');
      const principal = c.get('principal');
      const by = principal ? `${principal.kind}:${principal.display ?? principal.id}` : 'unknown';
      const req = await updates.submit(body as unknown as AsyncIterable<Uint8Array>, by, 'api');
      return c.json({ id: req.id, state: 'queued', href: `${UPDATES_PATH}/${req.id}`, bytes: req.bytes, sha256: req.sha256 }, 202);
    },
  );
  r.add(
    'core',
    'GET',
    UPDATES_PATH,
    { scope: 'system:read', doc: { summary: 'Updates and rollbacks still in the updater journal, newest first', tags: ['system'], responses: { 200: { description: 'the updates', schema: { type: 'object', properties: { items: { type: 'array', items: STATUS }, next: { type: 'null' } } } } } } },
    (c) => c.json({ items: updates.list(), next: null }),
  );
  r.add(
    'core',
    'GET',
    `${UPDATES_PATH}/:id`,
    { scope: 'system:read', doc: { summary: 'One update: its state and every step', tags: ['system'], params: { id: ID }, responses: { 200: { description: 'the update', schema: STATUS } } } },
    (c) => c.json(updates.status(c.req.param('id') ?? '')),
  );
}
