/**
 * The media library as a third-party plugin sees it: a plugin outside the repository imports
 * `xlive/media` (beside `xlive/sdk`) from the box's own build, through the link the box makes in its
 * plugins directory, or through the resolve hook where that directory cannot be written; either way
 * it gets the host's one copy, so the parser errors are the SDK's own `ParseError`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { PACKAGE_ROOT, startAppliance, type ApplianceHandle } from '../helpers/appliance.js';
import { enablePlugins, writePlugin } from '../helpers/external-plugins.js';

const run = promisify(execFile);

/** Parses an AVC record and an AudioSpecificConfig with xlive/media; reports a broken one's error. */
const PLUGIN = `import { definePlugin, ParseError as SdkParseError } from 'xlive/sdk';
import { parseAvcConfig, parseAudioSpecificConfig, avcCodecString, ParseError } from 'xlive/media';
const hex = (s) => Buffer.from(s, 'hex');
export default definePlugin({ setup(ctx) {
  ctx.http.route('GET', '/', (c) => {
    const avc = parseAvcConfig(hex('0164001fffe100076764001facd94001000468ebe3cb'));
    const asc = parseAudioSpecificConfig(hex('1190'));
    let error;
    try { parseAvcConfig(hex('0164001fffe1ff')); } catch (err) {
      error = { code: err.code, offset: err.offset, media: err instanceof ParseError, sdk: err instanceof SdkParseError };
    }
    return c.json({ codec: avcCodecString(avc), sampleRate: asc.sampleRate, error });
  }, { public: true });
} });`;

describe('xlive/media for third-party plugins', () => {
  let dataDir: string;
  let app: ApplianceHandle | undefined;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'xlive-media-plugin-'));
    writePlugin(join(dataDir, 'plugins'), 'media-user', { permissions: ['http', 'http:public'] }, PLUGIN);
    await enablePlugins(dataDir, ['media-user']);
    app = await startAppliance({ dataDir });
  });
  after(async () => {
    await app?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a plugin in the external plugins directory imports xlive/media and gets the SDK\'s own ParseError', async () => {
    const res = await fetch(`${app!.httpUrl}/plugins/media-user/`);
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), {
      codec: 'avc1.64001f',
      sampleRate: 48000,
      error: { code: 'PARSE_ERROR', offset: 6, media: true, sdk: true },
    });
  });

  it('where the plugins directory cannot be linked, the resolve hook serves xlive/media too', async () => {
    const dist = join(PACKAGE_ROOT, 'dist', 'core');
    const script = `
      import { installSdkResolver } from ${JSON.stringify(pathToFileURL(join(dist, 'plugins', 'sdk-resolver.js')).href)};
      installSdkResolver(${JSON.stringify(pathToFileURL(join(dist, 'sdk', 'index.js')).href)});
      const media = await import('xlive/media');
      const sdk = await import('xlive/sdk');
      let code;
      try { media.parseHevcConfig(new Uint8Array([2])); } catch (err) { code = err instanceof sdk.ParseError ? err.code : 'foreign'; }
      console.log(JSON.stringify({ same: media.ParseError === sdk.ParseError, code, adts: typeof media.buildAdtsHeader }));`;
    const cwd = mkdtempSync(join(tmpdir(), 'xlive-media-hook-')); // outside the package: no node_modules/xlive above it
    try {
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd, timeout: 30_000 });
      assert.deepEqual(JSON.parse(stdout.trim()), { same: true, code: 'PARSE_ERROR', adts: 'function' });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
