import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nginxConfig, NGINX_RTMP_MODULE } from './nginx-target.js';

describe('nginxConfig', () => {
  it('runs one foreground process with everything inside the prefix', () => {
    const conf = nginxConfig('/tmp/p', 19350);
    for (const line of [`load_module ${NGINX_RTMP_MODULE};`, 'daemon off;', 'master_process off;', 'listen 127.0.0.1:19350;', 'live on;', 'pid /tmp/p/nginx.pid;']) {
      assert.ok(conf.includes(line), line);
    }
  });

  it('adds hls directives and an http server for the HLS directory only when asked', () => {
    const on = nginxConfig('/tmp/p', 19350, { on: true, httpPort: 18080 });
    for (const line of ['hls on;', 'hls_path /tmp/p/hls;', 'hls_fragment 2s;', 'hls_playlist_length 12s;', 'listen 127.0.0.1:18080;', 'root /tmp/p;', 'application/vnd.apple.mpegurl m3u8;', 'video/mp2t ts;']) {
      assert.ok(on.includes(line), line);
    }
    const off = nginxConfig('/tmp/p', 19350, { on: false, httpPort: 18080 });
    assert.ok(!off.includes('hls on;') && off.includes('listen 127.0.0.1:18080;'));
    assert.ok(!nginxConfig('/tmp/p', 19350).includes('http {'));
  });
});
