import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

const { ParseError } = await import('xlive/sdk');
const { parseCommand, parseData, metadataFrom } = await import('./command.js');
const { encodeAmf0, decodeAmf0, EcmaArray } = await import('xlive/media');
const M = await import('./messages.js');

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('incoming commands (RTMP 1.0 spec 7.2)', () => {
  it('reads name, transaction id, command object and arguments', () => {
    const cmd = parseCommand(encodeAmf0(['publish', 5, null, 'key?x=1', 'live']));
    assert.deepEqual({ ...cmd }, { name: 'publish', transactionId: 5, object: null, args: ['key?x=1', 'live'], trailingError: undefined });
  });

  it('skips the format byte of AMF3 command messages (type 17) and reads AMF3 values', () => {
    const amf0 = encodeAmf0(['connect', 1]);
    const payload = Buffer.concat([hex('00'), amf0, hex('11 0a 0b 01 07'), Buffer.from('app'), hex('06 09'), Buffer.from('live'), hex('01')]);
    const cmd = parseCommand(payload, true);
    assert.equal(cmd.name, 'connect');
    assert.deepEqual(cmd.object, { app: 'live' });
  });

  it('keeps the arguments it could read when a trailing value is malformed', () => {
    const cmd = parseCommand(Buffer.concat([encodeAmf0(['play', 0, null, 'cam']), hex('02 00')]));
    assert.deepEqual(cmd.args, ['cam']);
    assert.ok(cmd.trailingError instanceof ParseError);
  });

  it('refuses commands without a name or transaction id', () => {
    assert.throws(() => parseCommand(encodeAmf0([1, 2])), /without a command name/);
    assert.throws(() => parseCommand(encodeAmf0(['connect'])), /without a transaction id/);
    assert.throws(() => parseCommand(hex('02 0010 61')), ParseError);
  });
});

describe('metadata from data messages', () => {
  const meta = new EcmaArray({ width: 1280, height: 720, framerate: 30, encoder: 'obs-output module' });

  it('cuts @setDataFrame off without copying: an FLV script tag body remains', () => {
    const payload = encodeAmf0(['@setDataFrame', 'onMetaData', meta]);
    const got = metadataFrom(payload)!;
    assert.deepEqual(Buffer.from(got.payload), encodeAmf0(['onMetaData', meta]));
    assert.equal(got.payload.buffer, payload.buffer, 'a view of the received payload');
    assert.deepEqual(got.values, meta.values);
  });

  it('takes a bare onMetaData as it is', () => {
    const payload = encodeAmf0(['onMetaData', meta]);
    assert.deepEqual(Buffer.from(metadataFrom(payload)!.payload), payload);
  });

  it('re-encodes metadata without the onMetaData name, or from AMF3 data (type 15)', () => {
    const nameless = metadataFrom(encodeAmf0(['@setDataFrame', { width: 2, bad: { nested: true } }]))!;
    assert.deepEqual(decodeAmf0(nameless.payload), ['onMetaData', { width: 2 }]);
    const amf3 = Buffer.concat([hex('00'), encodeAmf0(['@setDataFrame', 'onMetaData']), hex('11 0a 0b 01 0b'), Buffer.from('width'), hex('04 10 01')]);
    const got = metadataFrom(amf3, true)!;
    assert.deepEqual(got.values, { width: 16 });
    assert.deepEqual(decodeAmf0(got.payload), ['onMetaData', { width: 16 }]);
  });

  it('returns null for other data and reads handler names', () => {
    assert.equal(metadataFrom(encodeAmf0(['onTextData', { text: 'hi' }])), null);
    assert.deepEqual(parseData(encodeAmf0(['onCuePoint', 1])), { name: 'onCuePoint', values: [1] });
    assert.throws(() => parseData(encodeAmf0([1])), /without a handler name/);
  });
});

describe('outgoing messages', () => {
  it('builds protocol control messages byte for byte (spec 5.4)', () => {
    assert.deepEqual(M.setChunkSize(4096), { csid: 2, typeId: 1, streamId: 0, timestamp: 0, payload: hex('00001000') });
    assert.deepEqual(M.windowAckSize(5000000).payload, hex('004c4b40'));
    assert.deepEqual(M.setPeerBandwidth(5000000, 2).payload, hex('004c4b40 02'));
    assert.deepEqual(M.acknowledgement(2 ** 32 + 7).payload, hex('00000007'), 'sequence number wraps');
    assert.deepEqual(M.streamBegin(1), { csid: 2, typeId: 4, streamId: 0, timestamp: 0, payload: hex('0000 00000001') });
    assert.deepEqual(M.pingResponse(99).payload, hex('0007 00000063'));
  });

  it('builds the connect _result encoders expect', () => {
    const msg = M.connectResult(1, 0);
    assert.equal(msg.typeId, 20);
    const [name, tx, props, info] = decodeAmf0(msg.payload) as [string, number, Record<string, unknown>, Record<string, unknown>];
    assert.deepEqual([name, tx, info.code, info.level, info.objectEncoding], ['_result', 1, 'NetConnection.Connect.Success', 'status', 0]);
    assert.equal(typeof props.fmsVer, 'string');
  });

  it('builds onStatus on the stream, createStream result and |RtmpSampleAccess', () => {
    const st = M.onStatus(1, 'error', M.Status.PublishBadName, 'taken', { details: 'x' });
    assert.equal(st.streamId, 1);
    assert.deepEqual(decodeAmf0(st.payload), ['onStatus', 0, null, { level: 'error', code: 'NetStream.Publish.BadName', description: 'taken', details: 'x' }]);
    assert.deepEqual(decodeAmf0(M.createStreamResult(4, 1).payload), ['_result', 4, null, 1]);
    const sa = M.sampleAccess(1);
    assert.equal(sa.typeId, 18);
    assert.deepEqual(decodeAmf0(sa.payload), ['|RtmpSampleAccess', true, true]);
  });
});
