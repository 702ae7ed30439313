#!/usr/bin/env node
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkspaceIndex } from './index/workspaceIndex';
import { LineIndex } from './model/lineIndex';
import { ExcludeFilter, readYamlFiles } from './node/workspaceFiles';
import { checkAll, rules } from './rules';
import type { Finding, Severity } from './rules/types';

const USAGE = `Usage: kube-endpoints check [options] [paths...]

Checks the Kubernetes Services, Endpoints and EndpointSlices in the YAML files
under the given paths (default: the current folder), as the editor does.

Options:
  --default-namespace <ns>  namespace of objects that set none (default: default)
  --exclude <glob>          leave out matching files, relative to each path (repeatable)
  --rule <code>=<severity>  override a rule's severity: off, hint, information,
                            warning or error (repeatable)
  -h, --help                show this help
  -v, --version             show the version

Prints one line per finding: file:line:column severity code message.
Exit status: 0 no error-level finding, 1 at least one, 2 usage or I/O error.`;

type Options = {
  paths: string[];
  defaultNamespace: string;
  exclude: string[];
  severities: Record<string, Severity | 'off'>;
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === undefined) {
    process.stdout.write(USAGE + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${typeof VERSION === 'string' ? VERSION : 'development build'}\n`);
    return 0;
  }
  if (command !== 'check') return usageError(`unknown command "${command}"`);
  const options = parseOptions(rest);
  if (typeof options === 'string') return usageError(options);
  return check(options);
}

async function check(options: Options): Promise<number> {
  const index = new WorkspaceIndex({ defaultNamespace: options.defaultNamespace });
  for (const root of options.paths) {
    const absolute = path.resolve(root);
    let found = 0;
    for await (const file of readYamlFiles(absolute, new ExcludeFilter(absolute, options.exclude))) {
      if (file.text !== undefined) index.update(file.uri, file.text);
      found++;
    }
    if (found === 0 && !(await exists(absolute))) return usageError(`no such file or folder: ${root}`);
  }
  const { findings, failures } = checkAll(index, options.severities);
  for (const failure of failures)
    process.stderr.write(`kube-endpoints: rule ${failure.code} failed: ${String(failure.error)}\n`);
  for (const line of formatFindings(index, findings)) process.stdout.write(line + '\n');
  return findings.some((finding) => finding.severity === 'error') ? 1 : 0;
}

/** `file:line:col severity code message`, sorted by file and position, paths relative to the current folder. */
function formatFindings(index: WorkspaceIndex, findings: Finding[]): string[] {
  const lineIndexes = new Map<string, LineIndex>();
  return findings
    .map((finding) => {
      const file = path.relative(process.cwd(), fileURLToPath(finding.uri)) || '.';
      let lines = lineIndexes.get(finding.uri);
      if (!lines) lineIndexes.set(finding.uri, (lines = new LineIndex(index.file(finding.uri)?.text ?? '')));
      const { line, character } = lines.positionAt(finding.range.start);
      return { file, line, character, finding };
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.character - b.character)
    .map(
      ({ file, line, character, finding }) =>
        `${file}:${line + 1}:${character + 1} ${finding.severity} ${finding.code} ${finding.message}`,
    );
}

function parseOptions(args: string[]): Options | string {
  const options: Options = { paths: [], defaultNamespace: 'default', exclude: [], severities: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--default-namespace' || arg === '--exclude' || arg === '--rule') {
      const value = args[++i];
      if (value === undefined) return `${arg} needs a value`;
      if (arg === '--exclude') options.exclude.push(value);
      else if (arg === '--default-namespace') options.defaultNamespace = value;
      else {
        const [code, severity] = value.split('=');
        if (!rules.some((rule) => rule.code === code)) return `unknown rule "${code}"`;
        if (!['off', 'hint', 'information', 'warning', 'error'].includes(severity))
          return `unknown severity "${severity}"`;
        options.severities[code] = severity as Severity | 'off';
      }
    } else if (arg.startsWith('-')) {
      return `unknown option "${arg}"`;
    } else {
      options.paths.push(arg);
    }
  }
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

async function exists(target: string): Promise<boolean> {
  return fs.stat(target).then(
    () => true,
    () => false,
  );
}

function usageError(message: string): number {
  process.stderr.write(`kube-endpoints: ${message}\n\n${USAGE}\n`);
  return 2;
}

/** The package version, set by the bundler. */
declare const VERSION: string | undefined;

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`kube-endpoints: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
