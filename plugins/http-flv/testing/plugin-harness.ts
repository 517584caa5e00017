/** Test support: the plugin set up on a real test context and served on 127.0.0.1:0, plus HTTP helpers. */
import { get, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthApi, FrameInit, GateDefinition, PluginInstance, Publisher } from 'xlive/sdk';
import { createTestContext, type TestContext } from 'xlive/sdk/testing';
import type { HttpFlvConfig } from '../config.js';
import plugin from '../index.js';

export interface Harness {
  t: TestContext<HttpFlvConfig>;
  port: number;
  /** What setup returned (`reconfigure`). */
  instance: PluginInstance;
  close(): Promise<void>;
}

export async function harness(config: Partial<HttpFlvConfig> = {}, extra: { auth?: AuthApi; gate?: GateDefinition['decide']; hubOptions?: Record<string, number> } = {}): Promise<Harness> {
  const t = createTestContext<HttpFlvConfig>({
    id: 'http-flv',
    manifestFrom: import.meta.url,
    config: { maxViewers: 2000, ...config },
    ...(extra.auth ? { auth: extra.auth } : {}),
    ...(extra.gate ? { gate: extra.gate } : {}),
    ...(extra.hubOptions ? { hubOptions: extra.hubOptions } : {}),
  });
  const instance = plugin.setup(t.ctx) ?? {};
  t.commit();
  const srv = await t.serve();
  return {
    t,
    port: srv.port,
    instance,
    close: async () => {
      t.release();
      t.hub.stop();
      await srv.close();
    },
  };
}

/** GET and collect the body; resolves when the response ends or the socket closes. */
export function fetchFlv(port: number, path: string): Promise<{ res: IncomingMessage; body: Promise<Buffer> }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const body = new Promise<Buffer>((done) => {
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(Buffer.concat(chunks)));
        res.on('close', () => done(Buffer.concat(chunks)));
        res.on('error', () => done(Buffer.concat(chunks)));
      });
      resolve({ res, body });
    });
    req.on('error', reject);
  });
}

export async function until(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Push frames in small batches so sockets get to flush in between. */
export async function pushAll(pub: Publisher, frames: FrameInit[]): Promise<void> {
  for (let i = 0; i < frames.length; i++) {
    pub.push(frames[i]!);
    if (i % 20 === 19) await sleep(1);
  }
}
