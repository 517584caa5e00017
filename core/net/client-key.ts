import { isIPv6 } from 'node:net';

/**
 * The address a client's connections are counted against: IPv4 as is (IPv4-mapped IPv6 unwrapped),
 * IPv6 by its /64 prefix (one subscriber usually holds a whole /64, so counting single addresses
 * would let one client spread over 2^64 of them).
 */
export function clientKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remoteAddress);
  if (mapped) return mapped[1]!;
  if (!isIPv6(remoteAddress)) return remoteAddress;
  const addr = remoteAddress.split('%')[0]!;
  const [head = '', tail = ''] = addr.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = addr.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
