/**
 * A minimal MPEG-TS reader for tests: splits 188-byte packets (ISO/IEC 13818-1 §2.4.3.2) into
 * header fields, adaptation field flags/PCR and payload, and reassembles PES packets per PID.
 */

export interface TsPacketInfo {
  pid: number;
  unitStart: boolean;
  cc: number;
  hasPayload: boolean;
  randomAccess: boolean;
  pcr: number | undefined;
  payload: Buffer;
}

export function inspectPackets(ts: Buffer): TsPacketInfo[] {
  if (ts.length % 188 !== 0) throw new Error(`${ts.length} bytes is not a whole number of packets`);
  const out: TsPacketInfo[] = [];
  for (let p = 0; p < ts.length; p += 188) {
    const pkt = ts.subarray(p, p + 188);
    if (pkt[0] !== 0x47) throw new Error(`no sync byte at ${p}`);
    const afc = (pkt[3]! >> 4) & 3;
    let start = 4;
    let randomAccess = false;
    let pcr: number | undefined;
    if (afc & 2) {
      const len = pkt[4]!;
      if (len > 0) {
        const flags = pkt[5]!;
        randomAccess = (flags & 0x40) !== 0;
        if (flags & 0x10) pcr = pkt[6]! * 2 ** 25 + pkt[7]! * 2 ** 17 + pkt[8]! * 2 ** 9 + pkt[9]! * 2 + (pkt[10]! >> 7);
      }
      start = 5 + len;
    }
    out.push({
      pid: ((pkt[1]! & 0x1f) << 8) | pkt[2]!,
      unitStart: (pkt[1]! & 0x40) !== 0,
      cc: pkt[3]! & 0x0f,
      hasPayload: (afc & 1) !== 0,
      randomAccess,
      pcr,
      payload: pkt.subarray(start),
    });
  }
  return out;
}

export interface PesInfo {
  pid: number;
  streamId: number;
  pts: number;
  dts: number | undefined;
  /** PES_packet_length as written (0 = unbounded). */
  declaredLength: number;
  data: Buffer;
}

function readTs(b: Buffer, p: number): number {
  return ((b[p]! >> 1) & 0x07) * 2 ** 30 + (b[p + 1]! << 7 | b[p + 2]! >> 1) * 2 ** 15 + ((b[p + 3]! << 7) | (b[p + 4]! >> 1));
}

/** Reassembles the PES packets of the given PIDs, in order. */
export function collectPes(ts: Buffer, pids: readonly number[]): PesInfo[] {
  const open = new Map<number, Buffer[]>();
  const done: PesInfo[] = [];
  const close = (pid: number): void => {
    const parts = open.get(pid);
    if (!parts) return;
    const b = Buffer.concat(parts);
    const flags = b[7]!;
    const hdrLen = b[8]!;
    done.push({
      pid,
      streamId: b[3]!,
      pts: readTs(b, 9),
      dts: (flags & 0x40) !== 0 ? readTs(b, 14) : undefined,
      declaredLength: b.readUInt16BE(4),
      data: b.subarray(9 + hdrLen),
    });
    open.delete(pid);
  };
  for (const pkt of inspectPackets(ts)) {
    if (!pids.includes(pkt.pid) || !pkt.hasPayload) continue;
    if (pkt.unitStart) {
      close(pkt.pid);
      open.set(pkt.pid, [pkt.payload]);
    } else open.get(pkt.pid)?.push(pkt.payload);
  }
  for (const pid of [...open.keys()]) close(pid);
  return done;
}
