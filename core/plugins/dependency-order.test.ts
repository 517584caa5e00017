import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependencyOrder } from './dependency-order.js';

const n = (id: string, ...dependsOn: string[]) => ({ id, dependsOn });

describe('dependencyOrder', () => {
  it('orders dependencies first, stably', () => {
    const { order, refused } = dependencyOrder([n('hls', 'storage-local'), n('storage-local'), n('auth'), n('rtmp', 'auth')]);
    assert.deepEqual(order.map((x) => x.id), ['auth', 'rtmp', 'storage-local', 'hls']);
    assert.equal(refused.size, 0);
  });

  it('refuses missing dependencies and their dependants', () => {
    const { order, refused } = dependencyOrder([n('a', 'ghost'), n('b', 'a'), n('c')]);
    assert.deepEqual(order.map((x) => x.id), ['c']);
    assert.equal(refused.get('a')?.code, 'PLUGIN_DEPENDENCY_MISSING');
    assert.equal(refused.get('b')?.code, 'PLUGIN_DEPENDENCY_FAILED');
  });

  it('detects cycles and names them', () => {
    const { order, refused } = dependencyOrder([n('a', 'b'), n('b', 'c'), n('c', 'a'), n('d', 'a'), n('e')]);
    assert.deepEqual(order.map((x) => x.id), ['e']);
    assert.equal(refused.get('a')?.code, 'PLUGIN_DEPENDENCY_CYCLE');
    assert.match(refused.get('a')!.message, /a -> b -> c -> a/);
    assert.equal(refused.get('d')?.code, 'PLUGIN_DEPENDENCY_FAILED');
  });

  it('handles random graphs without hanging', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const ids = Array.from({ length: 1 + Math.floor(rnd() * 12) }, (_, i) => `p${i}`);
      const nodes = ids.map((id) => n(id, ...ids.filter((d) => d !== id && rnd() < 0.15)));
      const { order, refused } = dependencyOrder(nodes);
      assert.equal(order.length + refused.size, nodes.length);
      const pos = new Map(order.map((x, i) => [x.id, i]));
      for (const x of order) for (const d of x.dependsOn) assert.ok(pos.get(d)! < pos.get(x.id)!);
    }
  });
});
