import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Yaml11 } from '../../server/src/model/yaml11';

// What go-yaml v2's resolve (gopkg.in/yaml.v2 resolve.go, under sigs.k8s.io/yaml) makes of plain
// scalars, with Go's strconv: ParseInt and ParseUint with base 0 on the text without underscores,
// then yamlStyleFloat and ParseFloat, whose range error leaves the scalar a string.
const CASES: [string, 'bool' | 'number' | undefined][] = [
  ['true', 'bool'],
  ['False', 'bool'],
  ['yes', 'bool'],
  ['Y', 'bool'],
  ['OFF', 'bool'],
  ['oN', undefined],
  ['yES', undefined],
  ['2', 'number'],
  ['-7', 'number'],
  ['+7', 'number'],
  ['1.10', 'number'],
  ['1.', 'number'],
  ['.5', 'number'],
  ['-.5', 'number'],
  ['1e3', 'number'],
  ['0x1F', 'number'],
  ['-0x1F', 'number'],
  ['0o17', 'number'],
  ['0b101', 'number'],
  ['017', 'number'],
  // Not octal: ParseInt fails, but it is a float to yamlStyleFloat.
  ['08', 'number'],
  ['1_000', 'number'],
  ['.inf', 'number'],
  ['-.Inf', 'number'],
  ['.NaN', 'number'],
  // uint64's largest, and one past it (still a float), and int64's smallest.
  ['18446744073709551615', 'number'],
  ['18446744073709551616', 'number'],
  ['-9223372036854775808', 'number'],
  // Floats that overflow: ParseFloat's range error, so a string (hexadecimal checksums).
  ['1e400', undefined],
  ['205396411e557526', undefined],
  // ...but one that does not overflow is a number.
  ['0e53226046544827', 'number'],
  ['7b399c008f322e58', undefined],
  ['0x', undefined],
  ['1.2.3', undefined],
  ['2001-12-14', undefined],
  ['v1', undefined],
  ['-', undefined],
  ['', undefined],
  ['.', undefined],
  ['.5_0', undefined],
];

test('plain scalars as kubectl reads them (YAML 1.1, go-yaml v2)', () => {
  for (const [text, expected] of CASES) assert.equal(Yaml11.typeOf(text), expected, JSON.stringify(text));
});
