import type { UncheckedReason } from '../index/workspaceIndex';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: file-not-checked
 *
 * A YAML file whose content was not parsed: more bytes than `maxFileSize`
 * (`kubeEndpoints.maxFileSize`, `maxFileSize` in .kube-endpoints.yaml, `--max-file-size`),
 * which bounds the time and memory one file can take, or binary (a NUL byte). One finding
 * at the top of the file says so, so that a missing check is never silent.
 */
export const fileNotChecked: Rule = {
  code: 'file-not-checked',
  defaultSeverity: 'information',
  description: 'A YAML file was not checked: it is larger than `maxFileSize`, or binary.',

  check(index) {
    return [...index.filesNotFullyParsed()].flatMap(({ uri, unchecked }) =>
      unchecked ? [Finding.of(this, uri, { start: 0, end: 0 }, messageFor(unchecked))] : [],
    );
  },
};

function messageFor(unchecked: UncheckedReason): string {
  if (unchecked.kind === 'binary') return 'This file was not checked: it holds NUL bytes, so it is binary, not YAML.';
  return (
    `This file was not checked: it has ${unchecked.bytes} bytes, more than the limit of ${unchecked.maxFileSize}. ` +
    'Raise the limit with the kubeEndpoints.maxFileSize setting, maxFileSize in .kube-endpoints.yaml, or --max-file-size.'
  );
}
