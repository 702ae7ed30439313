import type { SourceRange } from '../model/types';
import type { Rule } from './types';
import { Finding } from './types';

/**
 * Rule: documents-not-checked (off unless switched on in `kubeEndpoints.rules`)
 *
 * Documents that do not parse as YAML — a Helm or Jinja template (`{{ }}`, `{% %}`), or a
 * plain syntax error — are skipped: their Services and Endpoints are unknown to every other
 * rule. Syntax errors themselves are the YAML extension's business, so this rule only says,
 * once per file at its first skipped document, how many were skipped. Off by default, so that
 * a chart's templates do not each carry a note; switch it on to learn what went unchecked.
 */
export const documentsNotChecked: Rule = {
  code: 'documents-not-checked',
  defaultSeverity: 'off',
  description: 'Documents of a file were not checked because they do not parse as YAML (templates, syntax errors).',

  check(index) {
    return [...index.filesNotFullyParsed()].flatMap((file) => {
      if (file.brokenDocuments.length === 0) return [];
      const broken = file.brokenDocuments;
      const [subject, verb, pronoun] =
        broken.length === 1 ? ['One document', 'does', 'it'] : [`${broken.length} documents`, 'do', 'them'];
      const message =
        `${subject} of this file ${verb} not parse as YAML (a template such as Helm's, or a syntax error) and went ` +
        `unchecked: the Services and Endpoints in ${pronoun} take part in no check.`;
      return [Finding.of(this, file.uri, anchorIn(file.text, broken[0]), message)];
    });
  },
};

/** Template markers: the line that holds the first of them is most likely why the document does not parse. */
const TEMPLATE_MARKER = /\{\{|\{%/;

/**
 * The line to point at in a skipped document: the first that holds a template marker, else
 * its first line; from its first non-blank character to its end.
 */
function anchorIn(text: string, document: SourceRange): SourceRange {
  const lines = text.slice(document.start, document.end).split('\n');
  let target = { offset: document.start, line: lines[0] };
  let offset = document.start;
  for (const line of lines) {
    if (TEMPLATE_MARKER.test(line)) {
      target = { offset, line };
      break;
    }
    offset += line.length + 1;
  }
  const content = target.line.replace(/\r$/, '');
  return { start: target.offset + content.length - content.trimStart().length, end: target.offset + content.length };
}
