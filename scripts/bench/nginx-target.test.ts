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
});
