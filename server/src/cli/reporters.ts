import type { Position } from '../model/lineIndex';
import type { Finding, Rule, Severity } from '../rules/types';

/** A finding placed in its file, as every output format needs it. */
export type PlacedFinding = {
  finding: Finding;
  /** The file, relative to the current folder, with `/` separators. */
  file: string;
  start: Position;
  end: Position;
};

export type Format = 'text' | 'json' | 'sarif' | 'github';
export const FORMATS: readonly Format[] = ['text', 'json', 'sarif', 'github'];

/** What the SARIF report says about the tool. */
export type ToolInfo = { version: string; rules: readonly Rule[]; helpUri: (code: string) => string; rootUri: string };

/** Renders findings in one of the output formats; every format ends with a newline when not empty. */
export function report(format: Format, findings: readonly PlacedFinding[], tool: ToolInfo): string {
  switch (format) {
    case 'text':
      return lines(
        findings.map(
          ({ finding, file, start }) =>
            `${file}:${start.line + 1}:${start.character + 1} ${finding.severity} ${finding.code} ${finding.message}`,
        ),
      );
    case 'json':
      return JSON.stringify(findings.map(toJson), null, 2) + '\n';
    case 'github':
      return lines(findings.map(toWorkflowCommand));
    case 'sarif':
      return JSON.stringify(toSarif(findings, tool), null, 2) + '\n';
  }
}

function lines(items: string[]): string {
  return items.map((item) => item + '\n').join('');
}

function toJson({ finding, file, start, end }: PlacedFinding) {
  return {
    file,
    line: start.line + 1,
    column: start.character + 1,
    endLine: end.line + 1,
    endColumn: end.character + 1,
    severity: finding.severity,
    code: finding.code,
    message: finding.message,
  };
}

const WORKFLOW_LEVEL: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  information: 'notice',
  hint: 'notice',
};

/** A GitHub Actions workflow command, which the runner turns into an annotation on the line. */
function toWorkflowCommand({ finding, file, start, end }: PlacedFinding): string {
  const property = (value: string) => escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const properties = [
    `file=${property(file)}`,
    `line=${start.line + 1}`,
    `col=${start.character + 1}`,
    `endLine=${end.line + 1}`,
    `endColumn=${end.character + 1}`,
    `title=${property(`kube-endpoints ${finding.code}`)}`,
  ];
  return `::${WORKFLOW_LEVEL[finding.severity]} ${properties.join(',')}::${escapeData(finding.message)}`;
}

function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A SARIF 2.1.0 log, in the shape GitHub code scanning accepts. */
function toSarif(findings: readonly PlacedFinding[], tool: ToolInfo) {
  const ruleIndex = new Map(tool.rules.map((rule, i) => [rule.code, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kube-endpoints',
            version: tool.version,
            informationUri: tool.helpUri(''),
            rules: tool.rules.map((rule) => ({
              id: rule.code,
              name: rule.code,
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.description },
              help: {
                text: `${rule.description} See ${tool.helpUri(rule.code)}`,
                markdown: `${rule.description} [Documentation](${tool.helpUri(rule.code)})`,
              },
              helpUri: tool.helpUri(rule.code),
              defaultConfiguration:
                rule.defaultSeverity === 'off'
                  ? { enabled: false, level: 'note' }
                  : { level: SARIF_LEVEL[rule.defaultSeverity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: tool.rootUri } },
        results: findings.map(({ finding, file, start, end }) => ({
          ruleId: finding.code,
          ruleIndex: ruleIndex.get(finding.code),
          level: SARIF_LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(file), uriBaseId: '%SRCROOT%' },
                region: {
                  startLine: start.line + 1,
                  startColumn: start.character + 1,
                  endLine: end.line + 1,
                  endColumn: end.character + 1,
                },
              },
            },
          ],
        })),
      },
    ],
  };
}
