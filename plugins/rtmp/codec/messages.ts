import { encodeAmf0 } from 'xlive/media';
import { Csid, MessageType, type OutgoingMessage } from './chunk-writer.js';

/**
 * Builders for what the server sends: protocol control messages (RTMP 1.0 spec 5.4), user control
 * events (7.1.7) and AMF0 command replies (7.2) in the shapes encoders and players expect.
 */

function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(v % 0x100000000, 0);
  return b;
}

function control(typeId: number, payload: Buffer): OutgoingMessage {
  return { csid: Csid.Control, typeId, streamId: 0, timestamp: 0, payload };
}

/** Set Chunk Size (type 1): u32, bit 31 zero (5.4.1). */
export function setChunkSize(size: number): OutgoingMessage {
  return control(MessageType.SetChunkSize, u32(size & 0x7fffffff));
}

/** Acknowledgement (type 3): bytes received so far, u32 sequence number (5.4.3). */
export function acknowledgement(bytesReceived: number): OutgoingMessage {
  return control(MessageType.Acknowledgement, u32(bytesReceived));
}

/** Window Acknowledgement Size (type 5): u32 (5.4.4). */
export function windowAckSize(size: number): OutgoingMessage {
  return control(MessageType.WindowAckSize, u32(size));
}

/** Set Peer Bandwidth (type 6): u32 window + limit type u8 (0 hard, 1 soft, 2 dynamic) (5.4.5). */
export function setPeerBandwidth(size: number, limitType: 0 | 1 | 2 = 2): OutgoingMessage {
  const b = Buffer.allocUnsafe(5);
  b.writeUInt32BE(size, 0);
  b[4] = limitType;
  return control(MessageType.SetPeerBandwidth, b);
}

/** User Control event types (7.1.7). */
export const UserControl = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;

/** User Control message (type 4): event type u16 + event data (u32 values). */
export function userControl(event: number, ...values: number[]): OutgoingMessage {
  const b = Buffer.allocUnsafe(2 + 4 * values.length);
  b.writeUInt16BE(event, 0);
  values.forEach((v, i) => b.writeUInt32BE(v % 0x100000000, 2 + 4 * i));
  return control(MessageType.UserControl, b);
}

export const streamBegin = (streamId: number) => userControl(UserControl.StreamBegin, streamId);
export const streamEof = (streamId: number) => userControl(UserControl.StreamEof, streamId);
export const pingRequest = (timestamp: number) => userControl(UserControl.PingRequest, timestamp);
export const pingResponse = (timestamp: number) => userControl(UserControl.PingResponse, timestamp);

/** An AMF0 command message (type 20) on the command chunk stream. */
export function command(streamId: number, values: readonly unknown[]): OutgoingMessage {
  return { csid: Csid.Command, typeId: MessageType.CommandAmf0, streamId, timestamp: 0, payload: encodeAmf0(values) };
}

/** An AMF0 data message (type 18). */
export function dataMessage(streamId: number, values: readonly unknown[]): OutgoingMessage {
  return { csid: Csid.Data, typeId: MessageType.DataAmf0, streamId, timestamp: 0, payload: encodeAmf0(values) };
}

/** The `_result` of `connect` (7.2.1.1): server properties + NetConnection.Connect.Success. */
export function connectResult(transactionId: number, objectEncoding: number, fourCcList?: readonly string[]): OutgoingMessage {
  return command(0, [
    '_result',
    transactionId,
    // Enhanced RTMP: echoing the client's fourCcList says these codecs may be published/played.
    { fmsVer: 'FMS/3,5,7,7009', capabilities: 31, mode: 1, ...(fourCcList ? { fourCcList: [...fourCcList] } : {}) },
    {
      level: 'status',
      code: 'NetConnection.Connect.Success',
      description: 'Connection succeeded.',
      objectEncoding,
    },
  ]);
}

/** `_result` of createStream (7.2.1.3): null command object + the new stream id. */
export function createStreamResult(transactionId: number, streamId: number): OutgoingMessage {
  return command(0, ['_result', transactionId, null, streamId]);
}

/** A plain `_result` (releaseStream, FCPublish, getStreamLength…). */
export function result(transactionId: number, value: unknown = undefined): OutgoingMessage {
  return command(0, ['_result', transactionId, null, value]);
}

/** `_error` for a transaction, with a status-style info object. */
export function errorResult(transactionId: number, code: string, description: string): OutgoingMessage {
  return command(0, ['_error', transactionId, null, { level: 'error', code, description }]);
}

export type StatusLevel = 'status' | 'warning' | 'error';

/** `onStatus` on a message stream (7.2.2): info object with level, code, description. */
export function onStatus(
  streamId: number,
  level: StatusLevel,
  code: string,
  description: string,
  extra: Record<string, unknown> = {},
): OutgoingMessage {
  return command(streamId, ['onStatus', 0, null, { level, code, description, ...extra }]);
}

/** `|RtmpSampleAccess` data message: lets Flash players read audio and video samples. */
export function sampleAccess(streamId: number): OutgoingMessage {
  return dataMessage(streamId, ['|RtmpSampleAccess', true, true]);
}

/** onFCPublish / onFCUnpublish, the replies FMLE-style encoders wait for. */
export function onFCPublish(name: string): OutgoingMessage {
  return command(0, ['onFCPublish', 0, null, { code: 'NetStream.Publish.Start', description: name }]);
}
export function onFCUnpublish(name: string): OutgoingMessage {
  return command(0, ['onFCUnpublish', 0, null, { code: 'NetStream.Unpublish.Success', description: name }]);
}

/** NetStream status codes used by the server. */
export const Status = {
  PublishStart: 'NetStream.Publish.Start',
  PublishBadName: 'NetStream.Publish.BadName',
  PublishDenied: 'NetStream.Publish.Denied',
  UnpublishSuccess: 'NetStream.Unpublish.Success',
  PlayReset: 'NetStream.Play.Reset',
  PlayStart: 'NetStream.Play.Start',
  PlayStop: 'NetStream.Play.Stop',
  PlayFailed: 'NetStream.Play.Failed',
  PlayStreamNotFound: 'NetStream.Play.StreamNotFound',
  PlayUnpublishNotify: 'NetStream.Play.UnpublishNotify',
  ConnectRejected: 'NetConnection.Connect.Rejected',
} as const;
