/**
 * Names of the objects the HLS plugin stores and serves. Names are built here and checked here, with
 * strict patterns, before any of them reaches storage: a request can only name what we could have written.
 */

/** `<session>-<seq>.ts`: a short session tag (letters and digits) and the segmenter's sequence number. */
const SEGMENT_NAME = /^([A-Za-z0-9]{1,16})-(\d{1,12})\.ts$/;
/** Longest name a request may carry before we even look at it. */
const MAX_NAME_LENGTH = 64;

export const PLAYLIST_NAME = 'index.m3u8';

/** A short, stable tag for one publisher session (at most 12 letters/digits of the hub's session id). */
export function sessionTag(sessionId: string): string {
  const tag = sessionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
  return tag === '' ? 's' : tag;
}

export function segmentName(tag: string, sequence: number): string {
  return `${tag}-${sequence}.ts`;
}

/** Whether `name` is a segment file name this plugin could have written. */
export function isSegmentName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && SEGMENT_NAME.test(name);
}

/** Storage key of a live object: `<app>/<stream>/<file>`. */
export function liveKey(path: string, file: string): string {
  return `${path}/${file}`;
}

/** Storage key of a recorded segment: `<app>/<stream>/<recordingId>/<file>`. */
export function recordingKey(path: string, recordingId: string, file: string): string {
  return `${path}/${recordingId}/${file}`;
}

/** Recording ids as they appear in URLs: one safe path segment (checked before asking the store). */
const RECORDING_ID = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/;

export function isRecordingId(id: string): boolean {
  return RECORDING_ID.test(id) && !id.includes('..');
}

/** The file name part of a storage key. */
export function baseName(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? key : key.slice(i + 1);
}
