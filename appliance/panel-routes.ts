import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { NotFoundError } from '../core/errors/xlive-error.js';
import type { SecuredRouter } from '../core/http/secured-router.js';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
};
/** Panel asset names: one flat folder, no paths. */
const ASSET = /^[a-z0-9][a-z0-9-]{0,63}\.(html|js|css|svg|png|ico)$/;

/** The web panel: static files from `dist/appliance/panel`, at `/` and `/panel/<file>`. Its API calls are guarded. */
export function registerPanelRoutes(router: SecuredRouter, dir: string): void {
  // Gzipped copies of the text files, made once per file and kept (the panel is a few dozen small files:
  // bounded by the folder itself). The players (hls.js, mpegts.js) shrink from ~570 KB to ~170 KB.
  const gzipped = new Map<string, Buffer>();
  const send = async (name: string, acceptEncoding: string): Promise<Response> => {
    if (!ASSET.test(name)) throw new NotFoundError(`no panel file ${JSON.stringify(name.slice(0, 80))}`);
    let body: Buffer;
    try {
      body = await readFile(join(dir, name));
    } catch {
      throw new NotFoundError(`no panel file ${name}`);
    }
    const ext = name.slice(name.lastIndexOf('.') + 1);
    const gzip = ['html', 'js', 'css', 'svg'].includes(ext) && /\bgzip\b/.test(acceptEncoding);
    if (gzip && !gzipped.has(name)) gzipped.set(name, gzipSync(body, { level: 9 }));
    return new Response(new Uint8Array(gzip ? gzipped.get(name)! : body), {
      headers: {
        'content-type': TYPES[ext] ?? 'application/octet-stream',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        'cache-control': ext === 'html' ? 'no-cache' : 'public, max-age=300',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        ...(ext === 'html' ? { 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; media-src 'self' blob:; worker-src 'self' blob:; frame-ancestors 'none'" } : {}),
      },
    });
  };
  const html = { description: 'The file', contentType: 'text/html', schema: { type: 'string' } };
  router.add('core', 'GET', '/', { public: true, doc: { summary: 'The web panel', tags: ['panel'], operationId: 'getPanel', responses: { 200: html } } }, (c) => send('index.html', c.req.header('accept-encoding') ?? ''));
  router.add('core', 'GET', '/panel/:file', {
    public: true,
    doc: {
      summary: 'A file of the web panel (script, style, image)',
      tags: ['panel'],
      params: { file: { type: 'string', description: 'A panel asset name (`app.js`); anything else is 404' } },
      responses: { 200: { description: 'The file', contentType: 'application/octet-stream', schema: { type: 'string' } } },
    },
  }, (c) => send(c.req.param('file') ?? '', c.req.header('accept-encoding') ?? ''));
}
