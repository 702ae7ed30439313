import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { canonicalIp, formatIp, isCanonicalIpv4, parseIpSloppy } from '../../server/src/model/ip';
import {
  FieldError,
  goQuote,
  ipWarnings,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isFullyQualifiedDomainName,
  isQualifiedName,
  isValidCidr,
  isValidIpv4Address,
  isValidIpv6Address,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  validateEndpointIp,
} from '../../server/src/model/k8sValidation';

// Cases from the upstream tables: staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go
// (TestIsDNS1123Label, TestIsDNS1123Subdomain, TestIsDNS1035Label, TestIsQualifiedName, TestIsValidLabelValue,
// TestIsValidPortName, TestIsValidPortNum) and ip_test.go (TestIsValidIP, TestGetWarningsForIP).

describe('isDns1123Label', () => {
  test('accepts', () => {
    for (const value of [
      'a',
      'ab',
      'abc',
      'a1',
      'a-1',
      'a--1--2--b',
      '0',
      '01',
      '012',
      '1a',
      '1-a',
      '1--a--b--2',
      'a'.repeat(63),
    ])
      assert.deepEqual(isDns1123Label(value), [], value);
  });
  test('rejects', () => {
    for (const value of [
      '',
      'A',
      'ABC',
      'aBc',
      'A1',
      'A-1',
      '1-A',
      '-',
      'a-',
      '-a',
      '1-',
      '-1',
      '_',
      'a_',
      '_a',
      'a_b',
      '1_',
      '_1',
      '1_2',
      '.',
      'a.',
      '.a',
      'a.b',
      '1.',
      '.1',
      '1.2',
      ' ',
      'a ',
      ' a',
      'a b',
      '1 ',
      ' 1',
      '1 2',
      'a'.repeat(64),
    ])
      assert.notDeepEqual(isDns1123Label(value), [], value);
  });
  test('words', () => {
    assert.deepEqual(isDns1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDns1123Label('Web'), [
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ]);
    assert.deepEqual(isDns1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });
});

describe('isDns1123Subdomain', () => {
  test('accepts', () => {
    for (const value of [
      'a',
      'ab',
      'a1',
      'a-1',
      'a.a',
      'a.1',
      '1.a',
      '0.0',
      '01.01',
      'a--1--2--b',
      'a'.repeat(253),
      'example.com',
    ])
      assert.deepEqual(isDns1123Subdomain(value), [], value);
  });
  test('rejects', () => {
    for (const value of ['', 'A', 'a-', '-a', 'a.', '.a', 'a..b', 'a_b', 'a b', 'a.-a', 'a'.repeat(254)])
      assert.notDeepEqual(isDns1123Subdomain(value), [], value);
  });
});

describe('isDns1035Label', () => {
  test('accepts and rejects', () => {
    for (const value of ['a', 'ab', 'a-1', 'a--1--2--b', 'a'.repeat(63)])
      assert.deepEqual(isDns1035Label(value), [], value);
    for (const value of ['0', '01', '1a', '1-a', '-', 'a-', 'a_', 'a.b', 'A', 'a'.repeat(64)])
      assert.notDeepEqual(isDns1035Label(value), [], value);
    assert.match(
      isDns1035Label('1web')[0],
      /^a DNS-1035 label must consist of .* \(e\.g\. 'my-name',  or 'abc-123', regex/,
    );
  });
});

describe('isQualifiedName', () => {
  test('accepts', () => {
    for (const value of [
      'simple',
      'now-with-dashes',
      '1-starts-with-num',
      '1234',
      'simple/simple',
      'now-with-dashes/simple',
      'now-with-dashes/now-with-dashes',
      'now.with.dots/simple',
      'now-with.dashes-and.dots/simple',
      '1-num.2-num/3-num',
      '1234/5678',
      '1.2.3.4/5678',
      'Uppercase_Is_OK_123',
      'example.com/Uppercase_Is_OK_123',
      'requests.storage-foo',
      'a'.repeat(63),
      'a'.repeat(253) + '/' + 'b'.repeat(63),
      'HTTP',
      'kubernetes.io/h2c',
    ])
      assert.deepEqual(isQualifiedName(value), [], value);
  });
  test('rejects', () => {
    for (const value of [
      'nospecialchars%^=@',
      'cantendwithadash-',
      '-cantstartwithadash-',
      'only/one/slash',
      'Example.com/abc',
      'example_com/abc',
      'example.com/',
      '/simple',
      'a'.repeat(64),
      'a'.repeat(254) + '/abc',
      '--',
    ])
      assert.notDeepEqual(isQualifiedName(value), [], value);
  });
  test('words', () => {
    assert.deepEqual(isQualifiedName('--'), [
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
  });
});

describe('isValidLabelValue', () => {
  test('accepts and rejects', () => {
    for (const value of [
      'simple',
      'now-with-dashes',
      '1-starts-with-num',
      'end-with-num-1',
      '1234',
      'a'.repeat(63),
      '',
      'zone-a',
      'us-east-1a',
    ])
      assert.deepEqual(isValidLabelValue(value), [], value);
    for (const value of [
      'nospecialchars%^=@',
      'Tama-nui-te-rā.is.Māori.sun',
      '\\backslashes\\are\\bad',
      '-starts-with-dash',
      'ends-with-dash-',
      '.starts.with.dot',
      'ends.with.dot.',
      'a'.repeat(64),
    ])
      assert.notDeepEqual(isValidLabelValue(value), [], value);
  });
});

describe('isValidPortName', () => {
  test('accepts', () => {
    for (const value of ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3'])
      assert.deepEqual(isValidPortName(value), [], value);
  });
  test('rejects, in upstream words', () => {
    assert.deepEqual(isValidPortName('longerthan15characters'), ['must be no more than 15 characters']);
    assert.deepEqual(isValidPortName('1234'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
    assert.deepEqual(isValidPortName('-ab'), ['must not begin or end with a hyphen']);
    assert.deepEqual(isValidPortName('Web'), [
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]);
    assert.deepEqual(isValidPortName(''), [
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must contain at least one letter (a-z)',
    ]);
  });
});

test('isValidPortNum', () => {
  for (const port of [1, 2, 1000, 16384, 32768, 65535]) assert.deepEqual(isValidPortNum(port), []);
  for (const port of [0, -1, 65536, 100000])
    assert.deepEqual(isValidPortNum(port), ['must be between 1 and 65535, inclusive']);
});

test('isValidCidr (netutils.ParseCIDRSloppy: legacy IPs, leading zeros, no bare IPs)', () => {
  const good = ['10.0.0.0/8', '1.2.3.4/32', '0.0.0.0/0', '010.001.2.0/024', '10.0.0.1/8', '2001:db8::/32'];
  for (const cidr of [...good, '::/0', '::ffff:1.2.3.4/128', '2001:db8::/0128'])
    assert.deepEqual(isValidCidr(cidr), []);
  const bad = ['', '10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '10.0.0.0/+8', '10.0.0.0/8/8', '2001:db8::/129'];
  for (const cidr of [...bad, 'example.com/8', '1.2.3/8', 'fe80::1%eth0/64', '::ffff:1.2.3.4/129', ' 10.0.0.0/8'])
    assert.deepEqual(isValidCidr(cidr), ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'], cidr);
});

test('isFullyQualifiedDomainName (bad-fqdns, good-fqdns of TestValidateEndpointSlice)', () => {
  for (const value of ['foo.example.com', 'example.com', 'example.com.', 'hyphens-are-good.example.com'])
    assert.deepEqual(isFullyQualifiedDomainName('a', value), [], value);
  for (const value of ['foo.*', 'FOO.example.com', 'underscores_are_bad.example.com', '*.example.com', 'localhost', ''])
    assert.equal(isFullyQualifiedDomainName('a', value).length, 1, value);
  assert.deepEqual(isFullyQualifiedDomainName('endpoints[0].addresses[0]', 'localhost.'), [
    'endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
  ]);
});

test('IP families of slice addresses (bad-ipv4, bad-ipv6 of TestValidateEndpointSlice)', () => {
  assert.deepEqual(isValidIpv4Address('10.0.0.1'), []);
  assert.deepEqual(isValidIpv4Address('::ffff:10.0.0.1'), []);
  assert.deepEqual(isValidIpv4Address('2001:4860:4860::8888'), ['must be a valid IPv4 address']);
  assert.deepEqual(isValidIpv4Address('123.456.789.012'), ['must be a valid IPv4 address']);
  assert.deepEqual(isValidIpv6Address('a00:100::4'), []);
  assert.deepEqual(isValidIpv6Address('2001:4860:4860:defg'), ['must be a valid IPv6 address']);
  assert.deepEqual(isValidIpv6Address('::ffff:10.0.0.1'), ['must be a valid IPv6 address']);
});

test('validateEndpointIp (special-ipv4, special-ipv6)', () => {
  assert.deepEqual(validateEndpointIp('127.0.0.1'), ['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
  assert.deepEqual(validateEndpointIp('fe80::9656:d028:8652:66b6'), [
    'may not be in the link-local range (169.254.0.0/16, fe80::/10)',
  ]);
  assert.deepEqual(validateEndpointIp('10.1.2.3'), []);
});

describe('formatIp (Go net.IP.String)', () => {
  const cases: [string, string][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['010.001.000.001', '10.1.0.1'],
    ['::ffff:192.12.2.2', '192.12.2.2'],
    ['2001:db8:0:0::2', '2001:db8::2'],
    ['2001:DB8::1', '2001:db8::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0001:002:03:4::', '1:2:3:4::'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:1:1:1:1:0:1', '2001:db8:1:1:1:1:0:1'],
    ['::1', '::1'],
    ['fe80::', 'fe80::'],
  ];
  for (const [input, canonical] of cases) test(input, () => assert.equal(formatIp(parseIpSloppy(input)!), canonical));
});

test('isCanonicalIpv4 agrees with parsing and formatting, on hand-picked and random texts', () => {
  const picked = ['0.0.0.0', '10.0.0.1', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.00'];
  picked.push('1.2.3.4 ', ' 1.2.3.4', '1..3.4', '.1.2.3', '1.2.3.', '', '::ffff:1.2.3.4', '1.2.3.4/32', '１.2.3.4');
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const alphabet = '0123456789.:a ';
  for (let i = 0; i < 20_000; i++) {
    picked.push(Array.from({ length: 1 + random(16) }, () => alphabet[random(alphabet.length)]).join(''));
    picked.push([0, 1, 2, 3].map(() => String(random(300)).padStart(1 + random(2), '0')).join('.'));
  }
  let canonical = 0;
  for (const text of picked) {
    const ip = parseIpSloppy(text);
    const expected = ip?.family === 4 && formatIp(ip) === text;
    assert.equal(isCanonicalIpv4(text), expected, JSON.stringify(text));
    assert.equal(canonicalIp(text), ip && formatIp(ip), JSON.stringify(text));
    if (expected) canonical++;
  }
  // Both answers are common among the texts tried.
  assert.ok(canonical > 5_000 && canonical < picked.length - 5_000, String(canonical));
});

test('ipWarnings (TestGetWarningsForIP)', () => {
  assert.deepEqual(ipWarnings('spec.clusterIPs[0]', '192.12.2.2'), []);
  assert.deepEqual(ipWarnings('spec.clusterIPs[0]', '2001:db8::2'), []);
  assert.deepEqual(
    ipWarnings('spec.clusterIPs[0]', '192.012.2.2').map((warning) => warning.message),
    [
      'spec.clusterIPs[0]: non-standard IP address "192.012.2.2" will be considered invalid in a future Kubernetes release: use "192.12.2.2"',
    ],
  );
  assert.deepEqual(
    ipWarnings('spec.clusterIPs[0]', '::ffff:192.12.2.2').map((warning) => warning.message),
    [
      'spec.clusterIPs[0]: non-standard IP address "::ffff:192.12.2.2" will be considered invalid in a future Kubernetes release: use "192.12.2.2"',
    ],
  );
  assert.deepEqual(ipWarnings('spec.loadBalancerIP', '2001:db8:0:0::2'), [
    {
      kind: 'non-canonical',
      canonical: '2001:db8::2',
      message:
        'spec.loadBalancerIP: IPv6 address "2001:db8:0:0::2" should be in RFC 5952 canonical format ("2001:db8::2")',
    },
  ]);
});

test('FieldError words', () => {
  assert.equal(FieldError.invalid('a.b', 'x', 'bad'), 'a.b: Invalid value: "x": bad');
  assert.equal(FieldError.invalid('a.b', 0, 'bad'), 'a.b: Invalid value: 0: bad');
  assert.equal(FieldError.required('a'), 'a: Required value');
  assert.equal(FieldError.required('a', 'why'), 'a: Required value: why');
  assert.equal(
    FieldError.notSupported('p', 'HTTP', ['SCTP', 'TCP', 'UDP']),
    'p: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
  );
  assert.equal(FieldError.duplicate('n', 'http'), 'n: Duplicate value: "http"');
  assert.equal(FieldError.forbidden('f', 'no'), 'f: Forbidden: no');
  assert.equal(FieldError.tooMany('e', 101, 100), 'e: Too many: 101: must have at most 100 items');
  assert.equal(goQuote('a"b\\c\n\x01é'), '"a\\"b\\\\c\\n\\x01é"');
});
