import type { WorkspaceIndex } from '../index/workspaceIndex';
import { FieldError, sameButForCase } from '../model/k8sValidation';
import type { Finding, Fix, FixData } from './types';
import { replaceScalar } from './yamlText';

/**
 * A value outside one of the API server's enumerations (a Service type, a traffic policy, an
 * address type): upstream's NotSupported error, and when the value differs from a supported one
 * only in case (`loadbalancer`), that one, named in the message (`what` are case-sensitive) and
 * in the finding's data for `writeSupportedValue`.
 */
export function unsupportedValue(
  path: string,
  value: string,
  supported: readonly string[],
  what = 'Values',
): { message: string; data?: FixData } {
  const known = sameButForCase(value, supported);
  const message = FieldError.notSupported(path, value, supported);
  return known
    ? { message: `${message}. ${what} are case-sensitive: write ${known}.`, data: { write: known } }
    : { message };
}

/** The fix of an `unsupportedValue` finding that names a supported value: write it, in the value's quotes. Safe. */
export function writeSupportedValue(finding: Finding, index: WorkspaceIndex): Fix[] {
  const write = finding.data?.write;
  const text = index.file(finding.uri)?.text;
  if (typeof write !== 'string' || text === undefined) return [];
  return [
    {
      title: `Write ${write}`,
      isPreferred: true,
      safe: true,
      changes: [{ kind: 'edit', uri: finding.uri, ...replaceScalar(text, finding, write) }],
    },
  ];
}
