import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PluginStatus } from '../plugins/plugin-host.js';
import type { Frame, FrameInit } from '../sdk/media.js';
import { StreamHub } from '../streams/stream-hub.js';
import { registerCoreMetrics } from './core-metrics.js';
import { MetricsRegistry } from './metrics-registry.js';

type Values = Array<{ labels: Record<string, string | number>; value: number }>;

async function read(metrics: MetricsRegistry): Promise<Map<string, { type: string; values: Values }>> {
  const all = (await metrics.registry.getMetricsAsJSON()) as unknown as Array<{ name: string; type: string; values: Values }>;
  return new Map(all.map((m) => [m.name, { type: m.type, values: m.values }]));
}

function value(m: Map<string, { values: Values }>, name: string, labels: Record<string, string> = {}): number | undefined {
  return m.get(name)?.values.find((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x))?.value;
}

function video(dts: number, keyframe: boolean, size = 1000): FrameInit {
  return { track: 'video', codec: 'h264', dts, keyframe, payload: new Uint8Array(size), dataOffset: 5 };
}

class Sink {
  accept = true;
  closed: string | undefined;
  write(_f: Frame): boolean {
    return this.accept;
  }
  close(reason: string): void {
    this.closed = reason;
  }
}

function plugin(id: string, state: PluginStatus['state']): PluginStatus {
  return { id, version: '1.0.0', kinds: ['other'], source: 'builtin', dir: '/x', enabled: true, enabledAfterRestart: true, pending: false, state, error: null, permissions: [], consentRequired: false, consentPending: false };
}

describe('registerCoreMetrics', () => {
  it('reports per-stream ingest, readers, drops and GOP bytes at scrape time, and forgets ended streams', async () => {
    let t = 1_000_000;
    const clock = () => t;
    const hub = new StreamHub({ readerQueueBytes: 3000, readerQueueMs: 60_000, slowReaderGraceMs: 100 }, undefined, clock);
    const metrics = new MetricsRegistry();
    const states = [plugin('rtmp', 'running'), plugin('broken', 'failed')];
    registerCoreMetrics(metrics, { hub, plugins: { list: () => states }, now: clock });

    let m = await read(metrics);
    assert.equal(value(m, 'xlive_streams_active'), 0);
    assert.equal(m.get('xlive_stream_ingest_bitrate_bps')?.values.length, 0);
    assert.equal(value(m, 'xlive_plugin_up', { plugin: 'rtmp', state: 'running' }), 1);
    assert.equal(value(m, 'xlive_plugin_up', { plugin: 'broken', state: 'failed' }), 0);
    assert.ok(m.has('xlive_nodejs_eventloop_lag_seconds'), 'process metrics include event-loop lag');

    const pub = hub.publish('live/a', { protocol: 'rtmp', remote: '10.0.0.9:5000' });
    const fast = new Sink();
    const slow = new Sink();
    hub.subscribe('live/a', { protocol: 'http-flv', sink: fast });
    hub.subscribe('live/a', { protocol: 'http-flv', sink: fast });
    hub.subscribe('live/a', { protocol: 'rtmp', sink: slow });
    slow.accept = false;
    // 25 fps for 2 s: one keyframe a second, 1000-byte frames.
    for (let i = 0; i < 50; i++) {
      pub.push(video(i * 40, i % 25 === 0));
      t += 40;
    }
    m = await read(metrics);
    assert.equal(value(m, 'xlive_streams_active'), 1);
    const bps = value(m, 'xlive_stream_ingest_bitrate_bps', { stream: 'live/a' })!;
    assert.ok(bps > 150_000 && bps < 250_000, `bitrate ${bps}`);
    const fps = value(m, 'xlive_stream_ingest_fps', { stream: 'live/a' })!;
    assert.ok(fps > 20 && fps < 30, `fps ${fps}`);
    assert.equal(value(m, 'xlive_stream_readers', { stream: 'live/a', protocol: 'http-flv' }), 2);
    assert.ok((value(m, 'xlive_stream_dropped_frames_total', { stream: 'live/a' }) ?? 0) > 0, 'the blocked reader dropped frames');
    assert.equal(value(m, 'xlive_stream_ingest_frames_total', { stream: 'live/a' }), 50);
    assert.equal(value(m, 'xlive_stream_ingest_bytes_total', { stream: 'live/a' }), 50_000);
    assert.equal(value(m, 'xlive_stream_gop_cache_bytes', { stream: 'live/a' }), 25_000);
    assert.equal(value(m, 'xlive_hub_frames_in_total'), 50);
    assert.equal(value(m, 'xlive_hub_bytes_in_total'), 50_000);
    assert.equal(m.get('xlive_hub_frames_in_total')?.type, 'counter');
    // No label anywhere carries the publisher's address.
    assert.ok(!(await metrics.exposition()).body.includes('10.0.0.9'));

    // Over budget past the grace period: the slow reader is disconnected and counted.
    for (let i = 50; i < 60; i++) {
      pub.push(video(i * 40, false));
      t += 40;
    }
    assert.equal(slow.closed, 'slow-reader');
    t += 1000;
    m = await read(metrics);
    assert.equal(value(m, 'xlive_stream_slow_disconnects_total', { stream: 'live/a' }), 1);
    assert.equal(value(m, 'xlive_hub_slow_disconnects_total'), 1);
    assert.equal(m.get('xlive_stream_readers')?.values.some((v) => v.labels['protocol'] === 'rtmp'), false);

    states[1] = plugin('broken', 'running');
    pub.close();
    t += 1000;
    m = await read(metrics);
    assert.equal(value(m, 'xlive_streams_active'), 0);
    for (const name of ['xlive_stream_ingest_bitrate_bps', 'xlive_stream_readers', 'xlive_stream_dropped_frames_total', 'xlive_stream_gop_cache_bytes']) {
      assert.equal(m.get(name)?.values.length, 0, `${name} forgets the ended stream`);
    }
    assert.equal(value(m, 'xlive_hub_frames_in_total'), 60, 'hub totals survive the stream');
    assert.equal(m.get('xlive_plugin_up')?.values.length, 2, 'one series per plugin, with its current state');
    assert.equal(value(m, 'xlive_plugin_up', { plugin: 'broken', state: 'running' }), 1);
  });

  it('can be registered twice on one registry without throwing', () => {
    const metrics = new MetricsRegistry();
    const deps = { hub: new StreamHub(), plugins: { list: () => [] } };
    registerCoreMetrics(metrics, deps);
    assert.doesNotThrow(() => registerCoreMetrics(metrics, deps));
  });
});
