/** put/open/read/list/delete round trips, atomic writes, key validation and symlink containment. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';

const { ValidationError, StorageError, PayloadTooLargeError } = await import('xlive/sdk');
const { harnessOpener, listDisk, bytes } = await import('./testing/harness.js');
const { writeParts } = await import('./atomic-write.js');

const { open, track } = harnessOpener();

const enc = (s: string) => new TextEncoder().encode(s);

describe('LocalStorage round trip', () => {
  it('puts parts atomically and reads them back, lists and deletes', async () => {
    const { provider, liveDir } = await open();
    const stored = await provider.put('live', 'live/stage/seg-000001.ts', [enc('hello '), enc('world')]);
    assert.equal(stored.key, 'live/stage/seg-000001.ts');
    assert.equal(stored.size, 11);
    assert.equal(readFileSync(join(liveDir, 'live/stage/seg-000001.ts'), 'utf8'), 'hello world');
    assert.equal(Buffer.from((await provider.read('live', 'live/stage/seg-000001.ts'))!).toString(), 'hello world');
    const r = await provider.open('live', 'live/stage/seg-000001.ts');
    assert.equal(r?.size, 11);
    assert.equal(await text(r!.stream as NodeJS.ReadableStream & AsyncIterable<Buffer>), 'hello world');

    await provider.put('live', 'live/stage/index.m3u8', [enc('#EXTM3U\n')]);
    await provider.put('live', 'live/other/seg-000001.ts', [bytes(5)]);
    assert.deepEqual((await provider.list('live', 'live/stage/')).map((o) => o.key), ['live/stage/index.m3u8', 'live/stage/seg-000001.ts']);
    assert.equal((await provider.list('live', '')).length, 3);

    // Overwrite replaces the object and its size.
    await provider.put('live', 'live/stage/index.m3u8', [enc('#EXTM3U\n#EXT-X-VERSION:3\n')]);
    assert.equal((await provider.list('live', 'live/stage/index')).at(0)?.size, 25);

    await provider.delete('live', 'live/stage/seg-000001.ts');
    assert.equal(await provider.read('live', 'live/stage/seg-000001.ts'), null);
    assert.equal(await provider.open('live', 'live/stage/seg-000001.ts'), null);
    await provider.delete('live', 'live/stage/seg-000001.ts'); // idempotent
    const u = await provider.usage();
    assert.equal(u.objects, 2);
    assert.equal(u.bytesUsed, 25 + 5);
    assert.equal(u.recordingPaused, false);
    assert.ok(u.bytesFree > 0);
  });

  it('returns null for objects that do not exist', async () => {
    const { provider } = await open();
    assert.equal(await provider.read('live', 'live/none/seg-1.ts'), null);
    assert.equal(await provider.open('live', 'live/none/seg-1.ts'), null);
  });

  it('refuses objects above maxObjectBytes and non-Uint8Array parts', async () => {
    const { provider } = await open({ config: { maxObjectBytes: 100 } });
    await assert.rejects(provider.put('live', 'live/s/seg-1.ts', [bytes(101)]), PayloadTooLargeError);
    await assert.rejects(provider.put('live', 'live/s/seg-1.ts', ['text' as unknown as Uint8Array]), ValidationError);
  });

  it('refuses every call before start', async () => {
    const h = await open({ noStart: true });
    await assert.rejects(h.provider.put('live', 'live/s/seg-1.ts', [bytes(1)]), (e: unknown) => e instanceof StorageError && /not started/.test((e as Error).message));
  });
});

describe('atomic writes', () => {
  it('leaves neither temp file nor object when the write fails halfway', async () => {
    let fail = true;
    const h = await open({
      deps: {
        fileOps: {
          writeParts: async (fh: FileHandle, parts: readonly Uint8Array[]) => {
            if (!fail) return writeParts(fh, parts);
            await fh.write(parts[0]!.subarray(0, 3));
            throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
          },
        },
      },
    });
    await assert.rejects(h.provider.put('live', 'live/stage/seg-1.ts', [bytes(1000)]), (e: unknown) => e instanceof StorageError && (e as InstanceType<typeof StorageError>).code === 'STORAGE_ERROR');
    assert.deepEqual([...listDisk(h.liveDir).keys()], []);
    assert.deepEqual(await h.provider.list('live', ''), []);
    fail = false;
    await h.provider.put('live', 'live/stage/seg-1.ts', [bytes(1000)]);
    assert.deepEqual([...listDisk(h.liveDir)], [['live/stage/seg-1.ts', 1000]]);
  });

  it('keeps the previous object when the rename fails, and maps ENOSPC to StorageFullError', async () => {
    let err: NodeJS.ErrnoException | null = null;
    const h = await open({
      deps: {
        fileOps: {
          rename: async (from: string, to: string) => {
            if (err) throw err;
            const { rename } = await import('node:fs/promises');
            return rename(from, to);
          },
        },
      },
    });
    await h.provider.put('live', 'live/stage/index.m3u8', [enc('v1')]);
    err = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    await assert.rejects(h.provider.put('live', 'live/stage/index.m3u8', [enc('version 2')]), (e: unknown) => (e as { code?: string }).code === 'STORAGE_FULL');
    assert.deepEqual([...listDisk(h.liveDir)], [['live/stage/index.m3u8', 2]]);
    assert.equal((await h.provider.list('live', ''))[0]?.size, 2, 'the index still holds the previous object');
  });

  it('never shows a partial object to readers during concurrent overwrites', async () => {
    const { provider } = await open();
    const key = 'live/stage/index.m3u8';
    await provider.put('live', key, [bytes(64 * 1024, 1)]);
    const writes = [2, 3, 4, 5, 6].map((fill) => provider.put('live', key, [bytes(64 * 1024, fill)]));
    for (let i = 0; i < 20; i++) {
      const b = await provider.read('live', key);
      assert.equal(b?.byteLength, 64 * 1024);
      assert.ok(b!.every((x) => x === b![0]), 'an object is always one whole version');
    }
    await Promise.all(writes);
    assert.equal((await provider.read('live', key))![0], 6, 'puts of one key apply in call order');
  });
});

describe('key validation and containment', () => {
  const evil = ['../x', 'a/../../b', '/etc/passwd', 'live/stage/seg\0.ts', 'live/%2e%2e/x.ts', '..%2f..%2fx', 'live/stage/.tmp-0000', 'live\\..\\x'];
  it('refuses traversal on every operation with VALIDATION_FAILED and touches nothing', async () => {
    const h = await open();
    const before = listDisk(h.dir);
    for (const key of evil) {
      for (const op of [
        () => h.provider.put('live', key, [bytes(1)]),
        () => h.provider.read('live', key),
        () => h.provider.open('live', key),
        () => h.provider.delete('live', key),
        () => h.provider.put('recording', key, [bytes(1)]),
      ]) {
        await assert.rejects(op(), (e: unknown) => (e as { code?: string }).code === 'VALIDATION_FAILED', `key ${JSON.stringify(key)}`);
      }
    }
    await assert.rejects(h.provider.list('live', '../'), ValidationError);
    await assert.rejects(h.provider.put('cold' as 'live', 'live/stage/seg-1.ts', [bytes(1)]), ValidationError);
    assert.deepEqual(listDisk(h.dir), before);
  });

  it('refuses symlinked folders and files that point out of the store', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'xlive-outside-'));
    try {
      writeFileSync(join(outside, 'secret.ts'), 'secret');
      mkdirSync(join(outside, 'stage'));
      const h = await open();
      mkdirSync(join(h.liveDir, 'live'), { recursive: true });
      symlinkSync(outside, join(h.liveDir, 'evil'));
      symlinkSync(join(outside, 'stage'), join(h.liveDir, 'live', 'stage'));
      mkdirSync(join(h.liveDir, 'live', 'ok'));
      symlinkSync(join(outside, 'secret.ts'), join(h.liveDir, 'live', 'ok', 'seg-1.ts'));
      const before = statSync(join(outside, 'secret.ts')).mtimeMs;

      const isValidation = (e: unknown) => (e as { code?: string }).code === 'VALIDATION_FAILED';
      await assert.rejects(h.provider.put('live', 'evil/x/seg-1.ts', [bytes(3)]), isValidation);
      await assert.rejects(h.provider.put('live', 'live/stage/seg-1.ts', [bytes(3)]), isValidation);
      await assert.rejects(h.provider.read('live', 'evil/stage/secret.ts'), isValidation);
      await assert.rejects(h.provider.read('live', 'live/ok/seg-1.ts'), isValidation, 'a symlinked file is not followed');
      await assert.rejects(h.provider.open('live', 'live/ok/seg-1.ts'), isValidation);
      await assert.rejects(h.provider.delete('live', 'live/stage/seg-1.ts'), isValidation);

      assert.deepEqual(readdirSync(outside).sort(), ['secret.ts', 'stage']);
      assert.deepEqual(readdirSync(join(outside, 'stage')), []);
      assert.equal(readFileSync(join(outside, 'secret.ts'), 'utf8'), 'secret');
      assert.equal(statSync(join(outside, 'secret.ts')).mtimeMs, before);

      // A restart sweeps the symlinks themselves, never their targets.
      const h2 = await h.restart();
      track(h2);
      assert.equal(existsSync(join(h.liveDir, 'evil')), false);
      assert.equal(existsSync(join(h.liveDir, 'live', 'stage')), false);
      assert.equal(readFileSync(join(outside, 'secret.ts'), 'utf8'), 'secret');
      assert.deepEqual(readdirSync(outside).sort(), ['secret.ts', 'stage']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a configured folder that is not empty and not ours', async () => {
    const foreign = mkdtempSync(join(tmpdir(), 'xlive-foreign-'));
    try {
      writeFileSync(join(foreign, 'thesis.doc'), 'precious');
      const h = await open({ noStart: true, config: { liveDir: foreign } });
      await assert.rejects(h.provider.start(), (e: unknown) => (e as { code?: string }).code === 'CONFIG_INVALID');
      assert.equal(readFileSync(join(foreign, 'thesis.doc'), 'utf8'), 'precious');
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });

  it('refuses a recordings folder inside the live folder (each rebuild would sweep the other)', async () => {
    const h = await open({ noStart: true });
    const nestedH = await open({ noStart: true, dir: h.dir, config: { recordingsDir: join(h.dir, 'live', 'rec') } });
    await assert.rejects(nestedH.provider.start(), (e: unknown) => (e as { code?: string }).code === 'CONFIG_INVALID');
  });
});
