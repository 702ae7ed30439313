import {
  familyOf,
  formatIp,
  hasLeadingZeroOctet,
  ipv4Of,
  isCanonicalIpv4,
  isIpv4MappedIpv6,
  parseIpSloppy,
} from './ip';

/**
 * The API server's validators and its words for their failures, ported from
 * kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation
 * (validation.go, ip.go, field/errors.go) and pkg/apis/core/validation as released
 * (1.30 to 1.34). Each `is…` function returns the failure details in upstream order,
 * empty when the value is fine; `FieldError` puts a detail into the sentence the API
 * server answers with (`spec.ports[0].name: Invalid value: "Web": …`).
 */

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_ERROR =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_ERROR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_ERROR =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_ERROR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

const DNS1123_LABEL = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);
/**
 * Names that are certainly valid in one test, without splitting or counting bytes: ASCII, so
 * the bounded repetition keeps them within 63 characters. Labels and annotations are checked
 * in every object of the workspace, and nearly all of them are of this form.
 */
const SHORT_NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** The same with a DNS subdomain prefix (whose length is checked apart). */
const SHORT_PREFIXED_NAME = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}/[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$`);

/** The protocols a port may have (`supportedPortProtocols`), sorted as upstream lists them. */
export const SUPPORTED_PORT_PROTOCOLS: readonly string[] = ['SCTP', 'TCP', 'UDP'];

/** Upstream `MaxLenError`. */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** Upstream `RegexError`, double spaces included (`'my-name',  or '123-abc'`). */
export function regexError(message: string, format: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${format}')`;
  return `${message} (e.g. ${examples.map((example) => `'${example}', `).join(' or ')}regex used for validation is '${format}')`;
}

/** Upstream `InclusiveRangeError`. */
export function inclusiveRangeError(low: number, high: number): string {
  return `must be between ${low} and ${high}, inclusive`;
}

/** `IsDNS1123Label`: hostnames, port names, namespaces. */
export function isDns1123Label(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63));
  if (!DNS1123_LABEL.test(value)) {
    errors.push(
      DNS1123_SUBDOMAIN.test(value)
        ? 'must not contain dots'
        : regexError(DNS1123_LABEL_ERROR, DNS1123_LABEL_FMT, 'my-name', '123-abc'),
    );
  }
  return errors;
}

/** `IsDNS1123Subdomain`: Endpoints and EndpointSlice names, node names, ExternalName targets. */
export function isDns1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN.test(value))
    errors.push(regexError(DNS1123_SUBDOMAIN_ERROR, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errors;
}

/** `IsDNS1035Label`: Service names. */
export function isDns1035Label(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63));
  if (!DNS1035_LABEL.test(value)) errors.push(regexError(DNS1035_LABEL_ERROR, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errors;
}

/** `IsQualifiedName`: label keys and `appProtocol`, an optional DNS subdomain prefix and a name. */
export function isQualifiedName(value: string): string[] {
  if (SHORT_NAME.test(value) || (SHORT_PREFIXED_NAME.test(value) && value.indexOf('/') <= 253)) return [];
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else errors.push(...isDns1123Subdomain(prefix).map((message) => `prefix part ${message}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_ERROR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} ` +
        "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (byteLength(name) > 63) errors.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME.test(name)) {
    errors.push(`name part ${regexError(QUALIFIED_NAME_ERROR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errors;
}

/** `IsValidLabelValue`: label values and zone hints. */
export function isValidLabelValue(value: string): string[] {
  if (value === '' || SHORT_NAME.test(value)) return [];
  const errors: string[] = [];
  if (byteLength(value) > 63) errors.push(maxLenError(63));
  if (!LABEL_VALUE.test(value))
    errors.push(regexError(LABEL_VALUE_ERROR, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errors;
}

/** `IsValidPortName`: an IANA service name, what a string `targetPort` must be. */
export function isValidPortName(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 15) errors.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(value))
    errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(value)) errors.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errors.push('must not contain consecutive hyphens');
  if (value.length > 0 && (value.startsWith('-') || value.endsWith('-')))
    errors.push('must not begin or end with a hyphen');
  return errors;
}

/** `IsValidPortNum`: 1 to 65535. */
export function isValidPortNum(port: number): string[] {
  return port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

/**
 * `IsFullyQualifiedDomainName`, the check of FQDN EndpointSlice addresses: whole field
 * errors, since upstream reports the trimmed name or the failing label as the value.
 */
export function isFullyQualifiedDomainName(path: string, value: string): string[] {
  if (value.length === 0) return [FieldError.required(path)];
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const subdomain = isDns1123Subdomain(name);
  if (subdomain.length > 0) return [FieldError.invalid(path, name, subdomain.join(','))];
  const labels = name.split('.');
  if (labels.length < 2)
    return [FieldError.invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errors = isDns1123Label(label);
    if (errors.length > 0) return [FieldError.invalid(path, label, errors.join(','))];
  }
  return [];
}

/** `IsValidIPForLegacyField` without strict validation (the StrictIPCIDRValidation gate is off by default). */
export function isValidIp(value: string): string[] {
  return parseIpSloppy(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

/**
 * `IsValidCIDR` as Service source ranges are checked while the StrictIPCIDRValidation gate is
 * off (its default): `netutils.ParseCIDRSloppy`, an IP as `isValidIp` reads it, `/`, and a
 * prefix length of decimal digits (leading zeros allowed) up to the written family's bits.
 */
export function isValidCidr(value: string): string[] {
  const slash = value.indexOf('/');
  const ip = slash < 0 ? undefined : parseIpSloppy(value.slice(0, slash));
  const prefix = value.slice(slash + 1);
  const valid = ip !== undefined && /^[0-9]+$/.test(prefix) && Number(prefix) <= (ip.family === 4 ? 32 : 128);
  return valid ? [] : ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
}

/** The supported value that `value` differs from only in case: the API server's enumerations are case-sensitive. */
export function sameButForCase(value: string, supported: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  return supported.find((candidate) => candidate.toLowerCase() === lower);
}

/** `IsValidIPv4Address`: the check of addresses of an `addressType: IPv4` slice. */
export function isValidIpv4Address(value: string): string[] {
  const ip = parseIpSloppy(value);
  return ip && familyOf(ip) === 'IPv4' ? [] : ['must be a valid IPv4 address'];
}

/** `IsValidIPv6Address`: the check of addresses of an `addressType: IPv6` slice. */
export function isValidIpv6Address(value: string): string[] {
  const ip = parseIpSloppy(value);
  return ip && familyOf(ip) === 'IPv6' ? [] : ['must be a valid IPv6 address'];
}

/**
 * `ValidateEndpointIP` (`ValidateNonSpecialIP` before 1.33): the reasons an address may
 * not be an endpoint or external IP, in upstream order and words.
 */
export function validateEndpointIp(text: string): string[] {
  const ip = parseIpSloppy(text);
  if (!ip) return ['must be a valid IP address'];
  const problems: string[] = [];
  const v4 = ipv4Of(ip);
  const bytes = ip.bytes;
  if (v4 ? v4.every((byte) => byte === 0) : bytes.every((byte) => byte === 0)) {
    problems.push(`may not be unspecified (${text})`);
  }
  if (v4 ? v4[0] === 127 : bytes.slice(0, 15).every((byte) => byte === 0) && bytes[15] === 1) {
    problems.push('may not be in the loopback range (127.0.0.0/8, ::1/128)');
  }
  if (v4 ? v4[0] === 169 && v4[1] === 254 : bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) {
    problems.push('may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  }
  if (v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : bytes[0] === 0xff && (bytes[1] & 0x0f) === 0x02) {
    problems.push('may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  }
  return problems;
}

/**
 * A warning the API server returns for an accepted IP (`GetWarningsForIP`):
 * `non-standard` forms will be rejected by a future release, `non-canonical` IPv6 is style.
 */
export type IpWarning = { kind: 'non-standard' | 'non-canonical'; message: string; canonical: string };

/** `GetWarningsForIP`: at most one warning for a value that `isValidIp` accepts. */
export function ipWarnings(path: string, value: string): IpWarning[] {
  if (isCanonicalIpv4(value)) return [];
  const ip = parseIpSloppy(value);
  if (!ip) return [];
  const canonical = formatIp(ip);
  if (hasLeadingZeroOctet(value) || isIpv4MappedIpv6(value, ip)) {
    return [
      {
        kind: 'non-standard',
        canonical,
        message: `${path}: non-standard IP address ${goQuote(value)} will be considered invalid in a future Kubernetes release: use ${goQuote(canonical)}`,
      },
    ];
  }
  if (value.includes(':') && canonical !== value) {
    return [
      {
        kind: 'non-canonical',
        canonical,
        message: `${path}: IPv6 address ${goQuote(value)} should be in RFC 5952 canonical format (${goQuote(canonical)})`,
      },
    ];
  }
  return [];
}

/**
 * Field errors worded as `field.Error.Error()` prints them: `<path>: <Type>[: <value>][: <detail>]`,
 * strings quoted as Go's `%q` does.
 */
export namespace FieldError {
  export function invalid(path: string, value: string | number, detail: string): string {
    return `${path}: Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ''}`;
  }

  export function required(path: string, detail = ''): string {
    return `${path}: Required value${detail ? `: ${detail}` : ''}`;
  }

  export function notSupported(path: string, value: string, supported: readonly string[]): string {
    return `${path}: Unsupported value: ${goQuote(value)}: supported values: ${supported.map(goQuote).join(', ')}`;
  }

  /** `value` is printed as it is when it is not a string or a number (upstream's `%#v` of a struct). */
  export function duplicate(path: string, value: string | number | { goSyntax: string }): string {
    return `${path}: Duplicate value: ${typeof value === 'object' ? value.goSyntax : formatValue(value)}`;
  }

  export function forbidden(path: string, detail: string): string {
    return `${path}: Forbidden: ${detail}`;
  }

  export function tooMany(path: string, actual: number, max: number): string {
    return `${path}: Too many: ${actual}: must have at most ${max} items`;
  }

  function formatValue(value: string | number): string {
    return typeof value === 'number' ? String(value) : goQuote(value);
  }
}

/** A string as Go's `%q` writes it. */
export function goQuote(value: string): string {
  const escapes: Record<string, string> = {
    '"': '\\"',
    '\\': '\\\\',
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  };
  let quoted = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (escapes[char]) quoted += escapes[char];
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, '0')}`;
    else quoted += char;
  }
  return quoted + '"';
}

/** Go's `len` of a string: its UTF-8 bytes. */
function byteLength(value: string): number {
  let bytes = 0;
  for (const char of value) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
