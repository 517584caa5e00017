/** GET /metrics on the real HTTP app: public by default, scoped with `protect`, valid exposition text. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthProvider, Principal } from 'xlive/sdk';
import { createTestContext } from 'xlive/sdk/testing';
import type { MetricsPrometheusConfig } from './index.js';
import { parseExposition, sampleValue } from './testing/exposition-parser.js';

const plugin = (await import('./index.js')).default;

async function serve(config: Partial<MetricsPrometheusConfig>, provider?: AuthProvider) {
  const t = createTestContext<Partial<MetricsPrometheusConfig>>({ id: 'metrics-prometheus', manifestFrom: import.meta.url, config });
  if (provider) t.parts.auth.register(provider);
  plugin.setup(t.ctx as never);
  t.commit();
  const srv = await t.serve();
  return {
    t,
    url: `${srv.url}/metrics`,
    close: async () => {
      t.release();
      await srv.close();
    },
  };
}

/** Bearer `scraper` has metrics:read, `viewer` only streams:read. */
const tokens: AuthProvider = {
  name: 'test-tokens',
  async authenticate(c) {
    if (c.type !== 'bearer') return null;
    const scopes: Record<string, string[]> = { scraper: ['metrics:read'], viewer: ['streams:read'] };
    const s = scopes[c.token];
    if (!s) return null;
    return { id: `token:${c.token}`, kind: 'token', scopes: s } satisfies Principal;
  },
  async authorize() {
    return undefined;
  },
};

describe('metrics-prometheus', () => {
  it('serves the registry publicly as valid Prometheus text', async () => {
    const s = await serve({});
    try {
      const hits = s.t.ctx.metrics.counter({ name: 'xlive_test_hits_total', help: 'Hits "quoted" \\ and\nnewline', labelNames: ['path'] });
      hits.inc({ path: 'a"b\\c\nd' }, 3);
      const lat = s.t.ctx.metrics.histogram({ name: 'xlive_test_latency_seconds', help: 'Latency', labelNames: ['op'], buckets: [0.1, 1] });
      lat.observe({ op: 'x' }, 0.05);
      lat.observe({ op: 'x' }, 5);
      const res = await fetch(s.url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const families = parseExposition(await res.text());
      assert.equal(families.get('xlive_test_hits_total')?.type, 'counter');
      assert.equal(sampleValue(families, 'xlive_test_hits_total', { path: 'a"b\\c\nd' }), 3);
      assert.equal(sampleValue(families, 'xlive_test_latency_seconds', { op: 'x', le: '+Inf' }, 'xlive_test_latency_seconds_bucket'), 2);
      assert.equal(sampleValue(families, 'xlive_test_latency_seconds', { op: 'x', le: '0.1' }, 'xlive_test_latency_seconds_bucket'), 1);
      // Values move between scrapes.
      hits.inc({ path: 'a"b\\c\nd' });
      assert.equal(sampleValue(parseExposition(await (await fetch(s.url)).text()), 'xlive_test_hits_total', { path: 'a"b\\c\nd' }), 4);
    } finally {
      await s.close();
    }
  });

  it('with protect, needs a token carrying metrics:read', async () => {
    const s = await serve({ protect: true }, tokens);
    try {
      const anon = await fetch(s.url);
      assert.equal(anon.status, 401);
      assert.equal(((await anon.json()) as { code: string }).code, 'AUTHENTICATION_FAILED');
      const viewer = await fetch(s.url, { headers: { authorization: 'Bearer viewer' } });
      assert.equal(viewer.status, 403);
      await viewer.body?.cancel();
      const scraper = await fetch(s.url, { headers: { authorization: 'Bearer scraper' } });
      assert.equal(scraper.status, 200);
      parseExposition(await scraper.text());
    } finally {
      await s.close();
    }
  });

  it('public by default: strangers get no stream, path or target labels; a metrics:read token gets everything', async () => {
    const s = await serve({}, tokens);
    try {
      const perStream = s.t.ctx.metrics.gauge({ name: 'xlive_test_stream_readers', help: 'per stream', labelNames: ['stream', 'protocol'] });
      perStream.set({ stream: 'live/secret-show', protocol: 'hls' }, 2);
      const disk = s.t.ctx.metrics.gauge({ name: 'xlive_test_disk_free_bytes', help: 'per path', labelNames: ['path'] });
      disk.set({ path: '/var/lib/xlive' }, 1);
      const invented = s.t.ctx.metrics.gauge({ name: 'xlive_test_invented', help: 'a label a plugin made up', labelNames: ['name'] });
      invented.set({ name: 'private' }, 1);
      const byProtocol = s.t.ctx.metrics.counter({ name: 'xlive_test_bytes_total', help: 'per protocol', labelNames: ['protocol', 'direction'] });
      byProtocol.inc({ protocol: 'rtmp', direction: 'in' }, 5);
      const plain = s.t.ctx.metrics.gauge({ name: 'xlive_test_plain', help: 'no labels' });
      plain.set({}, 7);

      const anon = await fetch(s.url);
      assert.equal(anon.status, 200);
      const text = await anon.text();
      for (const secret of ['live/secret-show', '/var/lib/xlive', 'private', 'xlive_test_stream_readers', 'xlive_test_disk_free_bytes', 'xlive_test_invented']) {
        assert.ok(!text.includes(secret), `the public view shows ${secret}`);
      }
      const pub = parseExposition(text);
      assert.equal(sampleValue(pub, 'xlive_test_bytes_total', { protocol: 'rtmp', direction: 'in' }), 5);
      assert.equal(sampleValue(pub, 'xlive_test_plain'), 7);

      const scraper = await fetch(s.url, { headers: { authorization: 'Bearer scraper' } });
      assert.equal(scraper.status, 200);
      const full = parseExposition(await scraper.text());
      assert.equal(sampleValue(full, 'xlive_test_stream_readers', { stream: 'live/secret-show', protocol: 'hls' }), 2);
      assert.equal(sampleValue(full, 'xlive_test_disk_free_bytes', { path: '/var/lib/xlive' }), 1);

      const viewer = await fetch(s.url, { headers: { authorization: 'Bearer viewer' } });
      assert.equal(viewer.status, 403, 'a token without metrics:read is told so, not silently given less');
      await viewer.body?.cancel();
      const wrong = await fetch(s.url, { headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      await wrong.body?.cancel();
    } finally {
      await s.close();
    }
  });

  it('refuses a config that is not a boolean with a coded error', () => {
    const t = createTestContext<Record<string, unknown>>({ id: 'metrics-prometheus', manifestFrom: import.meta.url, config: { protect: 'yes' } });
    assert.throws(() => plugin.setup(t.ctx as never), (e: Error & { code?: string }) => e.code === 'CONFIG_INVALID');
    t.release();
  });
});
