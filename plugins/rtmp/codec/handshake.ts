import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { ParseError } from 'xlive/sdk';
import {
  FMS_KEY,
  FMS_KEY_S1,
  FP_KEY,
  FP_KEY_C1,
  HANDSHAKE_SIZE,
  digestAt,
  embedDigest,
  findDigestScheme,
  signResponse,
  verifyResponse,
  type DigestScheme,
} from './handshake-digest.js';

/**
 * The RTMP handshake (RTMP 1.0 spec section 5.2): C0/S0 is one version byte (3); C1/S1 are 1536
 * bytes (time u32, zero/version u32, 1528 random); C2/S2 echo the peer's C1/S1. Flash-era peers
 * put a digest in C1 (see handshake-digest.ts); the server then answers in kind.
 */

export const RTMP_VERSION = 3;

export interface HandshakeOptions {
  /** Injected randomness (crypto.randomBytes by default). */
  randomBytes?: (n: number) => Buffer;
  /** Injected clock, ms (Date.now by default); the handshake carries time & 0xffffffff. */
  now?: () => number;
}

export interface HandshakeStep {
  /** Bytes to send to the peer now, if any. */
  reply?: Buffer;
  /** True once the handshake is complete. */
  done: boolean;
  /** Bytes received past the end of the handshake: the start of the chunk stream. */
  rest?: Buffer;
}

/** Server "version" bytes put in S1 when answering a digest handshake. */
const SERVER_VERSION = Buffer.from([0x0d, 0x0e, 0x0a, 0x0d]);
/** Client version bytes (Flash Player 9.0.124.2) put in C1 by the test client. */
const CLIENT_VERSION = Buffer.from([0x09, 0x00, 0x7c, 0x02]);

/** Collects bytes until a fixed amount is available; holds at most what the handshake needs. */
class Accumulator {
  private parts: Buffer[] = [];
  private size = 0;

  push(b: Buffer): void {
    if (b.length > 0) {
      this.parts.push(b);
      this.size += b.length;
    }
  }

  get length(): number {
    return this.size;
  }

  /** Take exactly n bytes (n <= length). */
  take(n: number): Buffer {
    const all = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
    const head = all.subarray(0, n);
    const tail = all.subarray(n);
    this.parts = tail.length > 0 ? [tail] : [];
    this.size = tail.length;
    return head;
  }

  takeAll(): Buffer | undefined {
    return this.size > 0 ? this.take(this.size) : undefined;
  }
}

function writeTime(buf: Buffer, now: () => number): void {
  buf.writeUInt32BE(Math.floor(now()) % 0x100000000, 0); // C1/S1 time, 4 bytes (spec 5.2.3)
}

function checkVersion(v: number): void {
  if (v === RTMP_VERSION) return;
  if (v === 6 || v === 8) throw new ParseError(`encrypted rtmpe handshake (version ${v}) not supported`, 0);
  throw new ParseError(`unsupported rtmp version ${v}`, 0);
}

/** Server side: C0C1 in → S0S1S2 out; then C2 in (accepted without verification). */
export class ServerHandshake {
  private readonly acc = new Accumulator();
  private state: 'c0' | 'c1' | 'c2' | 'done' = 'c0';
  private readonly random: (n: number) => Buffer;
  private readonly now: () => number;
  /** The digest scheme the client used, or null for the plain handshake. */
  scheme: DigestScheme | null = null;

  constructor(options: HandshakeOptions = {}) {
    this.random = options.randomBytes ?? cryptoRandomBytes;
    this.now = options.now ?? Date.now;
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Feed received bytes. Throws ParseError for a version it cannot speak. */
  push(data: Buffer): HandshakeStep {
    if (this.state === 'done') return { done: true, rest: data.length > 0 ? data : undefined };
    this.acc.push(data);
    let reply: Buffer | undefined;
    if (this.state === 'c0') {
      if (this.acc.length < 1) return { done: false };
      checkVersion(this.acc.take(1)[0]!);
      this.state = 'c1';
    }
    if (this.state === 'c1') {
      if (this.acc.length < HANDSHAKE_SIZE) return { done: false };
      reply = this.respond(this.acc.take(HANDSHAKE_SIZE));
      this.state = 'c2';
    }
    if (this.acc.length < HANDSHAKE_SIZE) return { reply, done: false };
    this.acc.take(HANDSHAKE_SIZE); // C2: echo of S1; not verified, many clients get it wrong
    this.state = 'done';
    return { reply, done: true, rest: this.acc.takeAll() };
  }

  private respond(c1: Buffer): Buffer {
    // A zero "version" field (bytes 4..7) means the plain handshake (spec 5.2.3).
    const versioned = c1.readUInt32BE(4) !== 0;
    this.scheme = versioned ? findDigestScheme(c1, FP_KEY_C1) : null;
    const out = Buffer.allocUnsafe(1 + 2 * HANDSHAKE_SIZE);
    out[0] = RTMP_VERSION; // S0
    const s1 = out.subarray(1, 1 + HANDSHAKE_SIZE);
    this.random(HANDSHAKE_SIZE).copy(s1);
    writeTime(s1, this.now);
    const s2 = out.subarray(1 + HANDSHAKE_SIZE);
    if (this.scheme === null) {
      s1.writeUInt32BE(0, 4); // zero field of a plain S1
      c1.copy(s2); // S2 echoes C1 (spec 5.2.4)
      return out;
    }
    SERVER_VERSION.copy(s1, 4);
    embedDigest(s1, this.scheme, FMS_KEY_S1);
    this.random(HANDSHAKE_SIZE).copy(s2);
    signResponse(s2, digestAt(c1, this.scheme), FMS_KEY);
    return out;
  }
}

export interface ClientHandshakeOptions extends HandshakeOptions {
  /** Send a digest C1 (scheme 0 by default) as Flash players and FMLE do. */
  digest?: boolean | DigestScheme;
}

/** A minimal client handshake, for tests and tools. */
export class ClientHandshake {
  private readonly acc = new Accumulator();
  private readonly random: (n: number) => Buffer;
  private readonly now: () => number;
  private readonly scheme: DigestScheme | null;
  private c1Digest: Uint8Array | undefined;
  private finished = false;
  /** After the S1 arrived: whether it carried a valid FMS digest, and whether S2 signed our C1 digest. */
  serverDigest: { s1: boolean; s2: boolean } | null = null;

  constructor(options: ClientHandshakeOptions = {}) {
    this.random = options.randomBytes ?? cryptoRandomBytes;
    this.now = options.now ?? Date.now;
    const d = options.digest ?? false;
    this.scheme = d === false ? null : d === true ? 0 : d;
  }

  /** C0 + C1, to send first. */
  start(): Buffer {
    const out = Buffer.allocUnsafe(1 + HANDSHAKE_SIZE);
    out[0] = RTMP_VERSION;
    const c1 = out.subarray(1);
    this.random(HANDSHAKE_SIZE).copy(c1);
    writeTime(c1, this.now);
    if (this.scheme === null) {
      c1.writeUInt32BE(0, 4);
    } else {
      CLIENT_VERSION.copy(c1, 4);
      this.c1Digest = Buffer.from(embedDigest(c1, this.scheme, FP_KEY_C1));
    }
    return out;
  }

  /** Feed S0S1S2 bytes; returns C2 once complete. */
  push(data: Buffer): HandshakeStep {
    if (this.finished) return { done: true, rest: data.length > 0 ? data : undefined };
    this.acc.push(data);
    if (this.acc.length < 1 + 2 * HANDSHAKE_SIZE) return { done: false };
    const s0s1s2 = this.acc.take(1 + 2 * HANDSHAKE_SIZE);
    checkVersion(s0s1s2[0]!);
    const s1 = s0s1s2.subarray(1, 1 + HANDSHAKE_SIZE);
    const s2 = s0s1s2.subarray(1 + HANDSHAKE_SIZE);
    let c2: Buffer = Buffer.from(s1); // plain: C2 echoes S1
    if (this.c1Digest) {
      const s1Scheme = findDigestScheme(s1, FMS_KEY_S1);
      this.serverDigest = { s1: s1Scheme !== null, s2: verifyResponse(s2, this.c1Digest, FMS_KEY) };
      if (s1Scheme !== null) c2 = signResponse(this.random(HANDSHAKE_SIZE), digestAt(s1, s1Scheme), FP_KEY);
    }
    this.finished = true;
    return { reply: c2, done: true, rest: this.acc.takeAll() };
  }
}
