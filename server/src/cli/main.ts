// First, so that V8 compiles none of our code before its flags apply.
import '../node/v8Flags';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTwoFilesPatch } from 'diff';
import { DEFAULT_MAX_FILE_SIZE, WorkspaceIndex } from '../index/workspaceIndex';
import { KubernetesVersion } from '../model/kubernetesVersion';
import { comparePositions, LineIndex } from '../model/lineIndex';
import { type ExcludeGlobs, ExcludeFilter, indexFile } from '../node/workspaceFiles';
import { readYamlFiles } from '../node/scan';
import { saveCompileCache } from '../node/compileCache';
import {
  findProjectConfig,
  isFileSize,
  readProjectConfig,
  PROJECT_CONFIG_FILE,
  type ProjectConfig,
} from '../node/projectConfig';
import { checkAll, rules, type SeverityOverrides } from '../rules';
import { applySafeFixes } from '../rules/applyFixes';
import { FixContext, type Finding, type Severity } from '../rules/types';
import { type Format, FORMATS, type PlacedFinding, report } from './reporters';

const USAGE = `Usage: kube-endpoints check [options] [paths...]

Checks the Kubernetes Services, Endpoints and EndpointSlices in the YAML files
under the given paths (default: the current folder), as the editor does. All
paths form one workspace. "-" reads a YAML stream from standard input, e.g.
  helm template my-chart | kube-endpoints check -

Options:
  --format <format>         text (default), json, sarif or github (workflow annotations)
  --severity <level>        exit 1 when a finding is at least this severe:
                            hint, information, warning or error (default: error)
  --fix                     apply the safe fixes (those needing no input) in place
  --dry-run                 with --fix: print the changes as a unified diff instead
  --config <file>           read this ${PROJECT_CONFIG_FILE} instead of the nearest one
  --default-namespace <ns>  namespace of objects that set none (default: default)
  --kubernetes-version <v>  the Kubernetes release the manifests target (default: ${KubernetesVersion.format(KubernetesVersion.LATEST)});
                            from 1.33 hand-written Endpoints get a deprecation hint
  --exclude <glob>          leave out matching files, relative to each path (repeatable)
  --max-file-size <bytes>   files of more bytes are not parsed but reported as
                            file-not-checked (default: ${DEFAULT_MAX_FILE_SIZE})
  --rule <code>=<severity>  override a rule's severity: off, hint, information,
                            warning or error (repeatable)
  -h, --help                show this help
  -v, --version             show the version

Settings come from the nearest ${PROJECT_CONFIG_FILE} above the current folder;
options given here win over it.

Exit status: 0 no finding at or above the --severity level, 1 at least one,
2 usage or I/O error.`;

/** The severities in increasing order, for the exit threshold. */
const SEVERITY_ORDER: readonly Severity[] = ['hint', 'information', 'warning', 'error'];

/** The name findings of standard input are reported under. */
const STDIN_NAME = '<stdin>';

type Options = {
  paths: string[];
  format: Format;
  threshold: Severity;
  fix: boolean;
  dryRun: boolean;
  configPath?: string;
  defaultNamespace?: string;
  kubernetesVersion?: KubernetesVersion;
  exclude: string[];
  maxFileSize?: number;
  severities: Record<string, Severity | 'off'>;
};

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${typeof VERSION === 'string' ? VERSION : 'development build'}\n`);
    return 0;
  }
  try {
    if (command !== 'check')
      throw new UsageError(command === undefined ? 'no command' : `unknown command "${command}"`);
    return await check(parseOptions(rest));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`kube-endpoints: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
}

async function check(options: Options): Promise<number> {
  const project = loadProjectConfig(options.configPath);
  const severities: SeverityOverrides = { ...project.rules, ...options.severities };
  const index = new WorkspaceIndex({
    defaultNamespace: options.defaultNamespace ?? project.defaultNamespace,
    maxFileSize: options.maxFileSize ?? project.maxFileSize,
  });
  const kubernetesVersion =
    options.kubernetesVersion ??
    (project.kubernetesVersion !== undefined ? KubernetesVersion.parse(project.kubernetesVersion) : undefined) ??
    KubernetesVersion.LATEST;
  const stdinUri = pathToFileURL(path.resolve(STDIN_NAME)).href;
  for (const root of options.paths) {
    if (root === '-') {
      index.update(stdinUri, await readStdin());
      continue;
    }
    const absolute = path.resolve(root);
    if (!(await exists(absolute))) throw new UsageError(`no such file or folder: ${root}`);
    const exclude = new ExcludeFilter(project.excludes, { root: absolute, globs: options.exclude });
    for await (const file of readYamlFiles(absolute, exclude, index.maxFileSize)) {
      const skipped = indexFile(index, file, file.content);
      if (skipped) process.stderr.write(`kube-endpoints: ${skipped}\n`);
    }
  }
  let fixed: ReturnType<typeof applySafeFixes> | undefined;
  if (options.fix) {
    const originals = new Map([...index.uris()].map((uri) => [uri, index.file(uri)!.text]));
    fixed = applySafeFixes(index, severities, FixContext.of({ kubernetesVersion }));
    const { changed } = fixed;
    if (changed.has(stdinUri)) throw new UsageError('--fix cannot write back to standard input; use --dry-run');
    for (const [uri, text] of [...changed].sort(([a], [b]) => a.localeCompare(b))) {
      const file = displayPath(uri);
      if (options.dryRun)
        process.stdout.write(createTwoFilesPatch(`a/${file}`, `b/${file}`, originals.get(uri)!, text));
      else await fs.writeFile(fileURLToPath(uri), text);
    }
    if (options.dryRun) return changed.size > 0 ? 1 : 0;
  }
  const { findings, failures } = fixed?.remaining ?? checkAll(index, severities, { kubernetesVersion });
  for (const failure of failures)
    process.stderr.write(
      `kube-endpoints: rule ${failure.code} failed${failure.uri ? ` on ${failure.uri}` : ''}: ${String(failure.error)}\n`,
    );
  process.stdout.write(
    report(options.format, place(index, findings, stdinUri), {
      version: typeof VERSION === 'string' ? VERSION : '0.0.0',
      rules,
      helpUri: (code) => pathToFileURL(path.resolve(__dirname, '../../docs/rules', code ? `${code}.md` : '')).href,
      rootUri: pathToFileURL(process.cwd() + path.sep).href,
    }),
  );
  const threshold = SEVERITY_ORDER.indexOf(options.threshold);
  return findings.some((finding) => SEVERITY_ORDER.indexOf(finding.severity) >= threshold) ? 1 : 0;
}

/** Findings with their file and positions, sorted by file and position. */
function place(index: WorkspaceIndex, findings: Finding[], stdinUri: string): PlacedFinding[] {
  const lineIndexes = new Map<string, LineIndex>();
  return findings
    .map((finding) => {
      let lines = lineIndexes.get(finding.uri);
      if (!lines) lineIndexes.set(finding.uri, (lines = new LineIndex(index.file(finding.uri)?.text ?? '')));
      const file = finding.uri === stdinUri ? STDIN_NAME : displayPath(finding.uri);
      return { finding, file, start: lines.positionAt(finding.range.start), end: lines.positionAt(finding.range.end) };
    })
    .sort((a, b) => a.file.localeCompare(b.file) || comparePositions(a.start, b.start));
}

/** A file URI as a path relative to the current folder, with `/` separators. */
function displayPath(uri: string): string {
  return (path.relative(process.cwd(), fileURLToPath(uri)) || '.').split(path.sep).join('/');
}

function loadProjectConfig(explicitPath: string | undefined): ProjectConfig & { excludes: ExcludeGlobs } {
  const found = explicitPath ? readProjectConfig(explicitPath) : findProjectConfig(process.cwd());
  if (found && 'unread' in found) throw new UsageError(`cannot read ${explicitPath}: ${found.unread}`);
  if (!found) return { excludes: { root: process.cwd(), globs: [] } };
  for (const problem of found.problems) process.stderr.write(`kube-endpoints: ${found.path}: ${problem}\n`);
  return {
    ...found.config,
    excludes: { root: path.dirname(path.resolve(found.path)), globs: found.config.exclude ?? [] },
  };
}

function parseOptions(args: string[]): Options {
  const options: Options = {
    paths: [],
    format: 'text',
    threshold: 'error',
    fix: false,
    dryRun: false,
    exclude: [],
    severities: {},
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case '--format':
        options.format = oneOf(value(), FORMATS, 'format');
        break;
      case '--severity':
        options.threshold = oneOf(value(), SEVERITY_ORDER, 'severity');
        break;
      case '--fix':
        options.fix = true;
        break;
      case '--dry-run':
        options.dryRun = true;
        break;
      case '--config':
        options.configPath = value();
        break;
      case '--default-namespace':
        options.defaultNamespace = value();
        break;
      case '--exclude':
        options.exclude.push(value());
        break;
      case '--max-file-size': {
        const text = value();
        options.maxFileSize = Number(text);
        if (!/^[0-9]+$/.test(text) || !isFileSize(options.maxFileSize))
          throw new UsageError(`--max-file-size must be a positive whole number of bytes, not "${text}"`);
        break;
      }
      case '--kubernetes-version': {
        const text = value();
        options.kubernetesVersion = KubernetesVersion.parse(text);
        if (!options.kubernetesVersion)
          throw new UsageError(`unknown Kubernetes version "${text}" (expected a release such as 1.34)`);
        break;
      }
      case '--rule': {
        const [code, severity] = value().split('=');
        if (!rules.some((rule) => rule.code === code)) throw new UsageError(`unknown rule "${code}"`);
        options.severities[code] = oneOf(severity ?? '', ['off', ...SEVERITY_ORDER] as const, 'severity');
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option "${arg}"`);
        options.paths.push(arg);
    }
  }
  if (options.dryRun && !options.fix) throw new UsageError('--dry-run goes with --fix');
  if (options.paths.length === 0) options.paths.push('.');
  return options;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`unknown ${what} "${value}" (${allowed.join(', ')})`);
  return value as T;
}

async function exists(target: string): Promise<boolean> {
  return fs.stat(target).then(
    () => true,
    () => false,
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The package version, set by the bundler. */
declare const VERSION: string | undefined;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    saveCompileCache();
  },
  (error: unknown) => {
    process.stderr.write(`kube-endpoints: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
