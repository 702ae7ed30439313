/**
 * How kubectl reads a plain (unquoted) scalar: sigs.k8s.io/yaml's YAMLToJSON decodes with
 * go-yaml v2, whose resolver (resolve.go) follows YAML 1.1, not the YAML 1.2 core schema that
 * `yaml` reads with. The two disagree on a few spellings, which matters where the API server
 * wants a string (labels, annotations): `enabled: yes` is a boolean to kubectl, `1_000` a
 * number, and `205396411e557526`, a hexadecimal checksum that overflows as a float, a string.
 */
export namespace Yaml11 {
  /** The plain scalars go-yaml v2 reads as booleans (its resolve table). */
  const BOOLEANS: ReadonlySet<string> = new Set(
    ['y', 'yes', 'n', 'no', 'on', 'off', 'true', 'false'].flatMap((word) => [
      word,
      word[0].toUpperCase() + word.slice(1),
      word.toUpperCase(),
    ]),
  );

  /** Infinities and NaN, spelled as the resolve table spells them. */
  const SPECIAL_FLOATS: ReadonlySet<string> = new Set([
    ...['.inf', '.Inf', '.INF'].flatMap((word) => [word, `+${word}`, `-${word}`]),
    ...['.nan', '.NaN', '.NAN'],
  ]);

  /** strconv.ParseInt/ParseUint with base 0: a sign, then hexadecimal, octal (0o or a leading 0), binary or decimal digits. */
  const GO_INTEGER = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;

  /** go-yaml v2's yamlStyleFloat. */
  const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

  const INT64_MIN = -(2n ** 63n);
  const INT64_MAX = 2n ** 63n - 1n;
  const UINT64_MAX = 2n ** 64n - 1n;

  /** What kubectl makes of a plain scalar written `text`, when it is not a string. */
  export function typeOf(text: string): 'bool' | 'number' | undefined {
    // Called for every label and annotation value: most start with a letter no boolean starts with.
    const first = text.charCodeAt(0) | 0x20;
    if (first >= 0x61 && first <= 0x7a) {
      return (first === 0x79 || first === 0x6e || first === 0x6f || first === 0x74 || first === 0x66) &&
        BOOLEANS.has(text)
        ? 'bool'
        : undefined;
    }
    return isNumber(text) ? 'number' : undefined;
  }

  /** Whether go-yaml v2 resolves the plain scalar `text` to an int or a float (resolve.go's 'D', 'S' and '.' hints). */
  function isNumber(text: string): boolean {
    const first = text.charCodeAt(0);
    const digit = first >= 0x30 && first <= 0x39;
    // Only a digit, a sign or a dot starts a number: most label values are rejected here.
    if (!digit && text[0] !== '+' && text[0] !== '-' && text[0] !== '.') return false;
    if (SPECIAL_FLOATS.has(text)) return true;
    if (text[0] === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) && Number.isFinite(Number(text));
    // Underscores are dropped before the integer and float parses.
    const plain = text.replaceAll('_', '');
    const integer = GO_INTEGER.exec(plain);
    if (integer && fitsGoInteger(integer[1], integer[2])) return true;
    // A float that overflows is a parse error to Go: the scalar stays a string.
    return YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain));
  }

  /** Whether ParseInt (signed, 64 bits) or ParseUint (no sign, 64 bits) takes the digits. */
  function fitsGoInteger(sign: string, digits: string): boolean {
    const leadingZeroOctal = digits.length > 1 && digits[0] === '0' && /^0[0-7]+$/.test(digits);
    const magnitude = BigInt(leadingZeroOctal ? `0o${digits.slice(1)}` : digits);
    if (sign === '-') return -magnitude >= INT64_MIN;
    if (sign === '+') return magnitude <= INT64_MAX;
    return magnitude <= UINT64_MAX;
  }
}
