/** `ctx.net.createServer`: gated by `net:listen`, reported to the host, behind the connection caps, closed with the plugin. */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { createTestContext } from '../../test/helpers/plugin-context.js';
import type { ConnectionAdmission } from '../sdk/net.js';
import { waitUntil } from '../../test/helpers/wait.js';

function open(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

describe('plugin listeners (ctx.net)', () => {
  it('a plugin without the net:listen permission is refused with PLUGIN_PERMISSION_DENIED', () => {
    const t = createTestContext({ id: 'sneaky', manifest: { permissions: ['http'] } });
    assert.throws(
      () => t.ctx.net.createServer({ name: 'sneaky' }, () => undefined),
      (e: Error & { code?: string }) => e.code === 'PLUGIN_PERMISSION_DENIED' && /net:listen/.test(e.message),
    );
    t.release();
  });

  it('with net:listen: reported, sockets admitted through the caps (idle flood bounded), closed when the plugin stops', async () => {
    const t = createTestContext({ id: 'proto', manifest: { permissions: ['net:listen'] } });
    const accepted: Array<{ socket: Socket; admission: ConnectionAdmission }> = [];
    const limits = { maxTotal: 40, maxIdleTotal: 8, maxIdlePerIp: 4, maxPerIp: 2, reserved: 2 };
    const listener = t.ctx.net.createServer({ name: 'proto', limits }, (socket, admission) => {
      socket.on('error', () => undefined);
      accepted.push({ socket, admission });
    });
    t.commit();
    const { port } = await listener.listen('127.0.0.1', 0);
    assert.deepEqual(t.listeners.get('proto'), { host: '127.0.0.1', port });

    const clients: Socket[] = [];
    for (let i = 0; i < 30; i++) clients.push(await open(port));
    await waitUntil('all accepted', () => accepted.length === 30, 5000, 10);
    const open_ = () => accepted.filter((a) => !a.socket.destroyed).length;
    await waitUntil('only 4 idle sockets of one address stay open', () => open_() === 4, 5000, 10);
    assert.ok(t.parts.refusals.filter((r) => r.reason === 'idle-per-ip').length >= 26);

    // Another address is untouched by that flood; established sessions respect the per-address cap.
    const other = await open(port, '127.0.0.2');
    await waitUntil('the other client accepted', () => accepted.length === 31, 5000, 10);
    const live = accepted.filter((a) => !a.socket.destroyed);
    assert.equal(live.at(-1)!.admission.clientKey, '127.0.0.2');
    assert.deepEqual(live[0]!.admission.establish(), { ok: true });
    assert.deepEqual(live[1]!.admission.establish(), { ok: true });
    const third = live[2]!.admission.establish();
    assert.equal(third.ok, false);

    assert.throws(() => t.ctx.net.createServer({ name: 'proto' }, () => undefined), /already in use/);
    // A handler that throws closes that socket only; the listener keeps accepting.
    const thrower = t.ctx.net.createServer({ name: 'thrower' }, () => {
      throw new Error('plugin bug');
    });
    const tp = (await thrower.listen('127.0.0.1', 0)).port;
    const victim = await open(tp);
    await new Promise((r) => victim.once('close', r));
    const again = await open(tp);
    again.destroy();
    t.release(); // the host releases what the plugin left open
    await waitUntil('the listener to close', () => !listener.listening, 5000, 10);
    for (const c of [...clients, other]) c.destroy();
  });
});
