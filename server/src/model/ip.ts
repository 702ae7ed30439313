/** An IP address as 16 bytes (IPv4 as IPv4-mapped IPv6), and the family it was written in. */
export type IpAddress = { bytes: number[]; family: 4 | 6 };

/**
 * Parses an IP the way Kubernetes' `netutils.ParseIPSloppy` does (Go's pre-1.17
 * `net.ParseIP`): dotted IPv4 whose octets may carry leading zeros (read as decimal),
 * or IPv6 with an optional trailing dotted IPv4; no zones, no CIDR suffix.
 */
export function parseIpSloppy(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const bytes = parseIpv6(text);
    return bytes && { bytes, family: 6 };
  }
  const v4 = parseIpv4(text);
  return v4 && { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4], family: 4 };
}

/** The four octets of an IPv4-mapped address, as Go's `To4` gives them. */
export function ipv4Of(ip: IpAddress): number[] | undefined {
  const prefix = ip.bytes.slice(0, 12);
  return prefix.every((byte, i) => byte === (i >= 10 ? 0xff : 0)) ? ip.bytes.slice(12) : undefined;
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const octets = parts.map((part) => (/^[0-9]{1,}$/.test(part) && part.length <= 10 ? Number(part) : NaN));
  return octets.every((octet) => Number.isInteger(octet) && octet <= 255) ? octets : undefined;
}

function parseIpv6(text: string): number[] | undefined {
  // A trailing dotted IPv4 ("::ffff:1.2.3.4") stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  const dotted = text.slice(lastColon + 1);
  if (dotted.includes('.')) {
    const v4 = parseIpv4(dotted);
    if (!v4) return undefined;
    const hex = (high: number, low: number) => ((high << 8) | low).toString(16);
    return parseIpv6(`${text.slice(0, lastColon + 1)}${hex(v4[0], v4[1])}:${hex(v4[2], v4[3])}`);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupBytes(halves[0]);
  const rest = halves.length === 2 ? groupBytes(halves[1]) : [];
  if (!head || !rest) return undefined;
  const written = head.length + rest.length;
  if (halves.length === 1) return written === 16 ? head : undefined;
  if (written > 14) return undefined;
  return [...head, ...new Array<number>(16 - written).fill(0), ...rest];
}

/** The bytes of colon-separated hex groups ("" gives none). */
function groupBytes(half: string): number[] | undefined {
  if (half === '') return [];
  const words = half.split(':');
  if (!words.every((word) => /^[0-9a-fA-F]{1,4}$/.test(word))) return undefined;
  return words.flatMap((word) => {
    const value = parseInt(word, 16);
    return [value >> 8, value & 0xff];
  });
}

/** The family Kubernetes gives an address: IPv4 for dotted and IPv4-mapped forms (`netutils.IsIPv6` is `To4() == nil`). */
export function familyOf(ip: IpAddress): 'IPv4' | 'IPv6' {
  return ipv4Of(ip) ? 'IPv4' : 'IPv6';
}

/**
 * The canonical text of an address, as Go's `net.IP.String()` writes it: dotted for
 * IPv4 (IPv4-mapped included), RFC 5952 for IPv6 (lowercase, no leading zeros, the
 * longest run of two or more zero groups, the first of equals, as `::`).
 */
export function formatIp(ip: IpAddress): string {
  const v4 = ipv4Of(ip);
  if (v4) return v4.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (ip.bytes[2 * i] << 8) | ip.bytes[2 * i + 1]);
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((group) => group.toString(16))
      .join(':');
  if (best.length < 2) return hex(0, 8);
  return `${hex(0, best.start)}::${hex(best.start + best.length, 8)}`;
}

/** The canonical text of the IP `text` holds, so that equal addresses written differently compare equal; undefined for no IP. */
export function canonicalIp(text: string): string | undefined {
  if (isCanonicalIpv4(text)) return text;
  const ip = parseIpSloppy(text);
  return ip && formatIp(ip);
}

/**
 * Whether `text` is an IPv4 address written as `formatIp` writes it: four decimal octets
 * up to 255, no leading zeros. Most addresses in manifests are; saying so costs far less than
 * parsing them, and the index and several rules ask for every address of the workspace.
 */
export function isCanonicalIpv4(text: string): boolean {
  let dots = 0;
  // The value of the octet read so far; -1 before its first digit.
  let octet = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (octet < 0 || ++dots > 3) return false;
      octet = -1;
    } else if (c >= DIGIT_0 && c <= DIGIT_9 && octet !== 0) {
      octet = Math.max(octet, 0) * 10 + (c - DIGIT_0);
      if (octet > 255) return false;
    } else {
      // Not a digit or a dot, or a digit after a leading zero.
      return false;
    }
  }
  return dots === 3 && octet >= 0;
}

const DOT = 46;
const DIGIT_0 = 48;
const DIGIT_9 = 57;

/**
 * Whether Go's `netip.ParseAddr` also accepts what `parseIpSloppy` read: it refuses
 * IPv4 octets with leading zeros ("010.0.0.1"), which older parsers read as octal.
 */
export function hasLeadingZeroOctet(text: string): boolean {
  const dotted = text.slice(text.lastIndexOf(':') + 1);
  return dotted.includes('.') && dotted.split('.').some((octet) => octet.length > 1 && octet.startsWith('0'));
}

/** Whether an address is written as IPv6 but holds an IPv4 address (`::ffff:1.2.3.4`, netip's `Is4In6`). */
export function isIpv4MappedIpv6(text: string, ip: IpAddress): boolean {
  return text.includes(':') && ipv4Of(ip) !== undefined;
}
