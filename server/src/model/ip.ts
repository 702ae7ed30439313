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
