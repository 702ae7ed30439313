import * as path from 'node:path';
import { parse } from 'yaml';
import { KubernetesVersion } from '../model/kubernetesVersion';
import { MAX_NESTING_DEPTH, nestsTooDeep } from '../model/nesting';
import { rules, type SeverityOverrides } from '../rules';
import { readContentSync } from './workspaceFiles';

/** The file, at the root of a repository, that the command line and the editor both read. */
export const PROJECT_CONFIG_FILE = '.kube-endpoints.yaml';

/** What `.kube-endpoints.yaml` may set; everything optional. */
export type ProjectConfig = {
  defaultNamespace?: string;
  kubernetesVersion?: string;
  /** Globs relative to the folder that holds the file. */
  exclude?: string[];
  rules?: SeverityOverrides;
  /** Files of more bytes are not parsed (see `file-not-checked`). */
  maxFileSize?: number;
};

const SEVERITIES = ['off', 'hint', 'information', 'warning', 'error'];

/** Reads a project configuration; problems are returned as sentences, never thrown. */
export function parseProjectConfig(text: string): { config: ProjectConfig; problems: string[] } {
  const problems: string[] = [];
  if (nestsTooDeep(text)) return { config: {}, problems: [`nested deeper than ${MAX_NESTING_DEPTH} levels`] };
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    return { config: {}, problems: [`not valid YAML: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (raw === null || raw === undefined) return { config: {}, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { config: {}, problems: ['must be a mapping'] };
  const values = raw as Record<string, unknown>;
  const config: ProjectConfig = {};
  for (const [key, value] of Object.entries(values)) {
    switch (key) {
      case 'defaultNamespace':
        if (typeof value === 'string' && value !== '') config[key] = value;
        else problems.push(`${key} must be a non-empty string`);
        break;
      case 'kubernetesVersion':
        // Quoted: as a YAML number, 1.30 would read as 1.3.
        if (typeof value === 'string' && KubernetesVersion.parse(value)) config[key] = value;
        else problems.push(`${key} must be a quoted Kubernetes release such as "1.34"`);
        break;
      case 'exclude':
        if (Array.isArray(value) && value.every((glob) => typeof glob === 'string')) config.exclude = value;
        else problems.push('exclude must be a list of globs');
        break;
      case 'rules':
        config.rules = readRules(value, problems);
        break;
      case 'maxFileSize':
        if (isFileSize(value)) config[key] = value;
        else problems.push(`${key} must be a positive whole number of bytes`);
        break;
      default:
        problems.push(`unknown key "${key}"`);
    }
  }
  return { config, problems };
}

/** A project file of more bytes is not read: such files hold a few lines. */
const MAX_PROJECT_CONFIG_BYTES = 1_000_000;

/** A project file found: its path, what it sets and what is wrong with it. */
export type FoundProjectConfig = { path: string; config: ProjectConfig; problems: string[] };

/**
 * The nearest `.kube-endpoints.yaml` in `dir` or a folder above it. One that cannot be read is
 * found all the same, with the reason as its problem, and sets nothing.
 */
export function findProjectConfig(dir: string): FoundProjectConfig | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, PROJECT_CONFIG_FILE);
    const found = readProjectConfig(candidate);
    if (!('unread' in found)) return found;
    if (!found.absent) return { path: candidate, config: {}, problems: [`not read: ${found.unread}`] };
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * The project file at `file`, or why it was not read (`absent`: there is no such file). Read as
 * the scan reads YAML files, never waiting: a named pipe of that name hung the start (and the
 * command line) for as long as no one wrote to it.
 */
export function readProjectConfig(file: string): FoundProjectConfig | { unread: string; absent: boolean } {
  const content = readContentSync(file, MAX_PROJECT_CONFIG_BYTES);
  if ('text' in content) return { path: file, ...parseProjectConfig(content.text) };
  if ('tooLarge' in content)
    return { unread: `${content.tooLarge} bytes, over ${MAX_PROJECT_CONFIG_BYTES}`, absent: false };
  return { unread: content.unreadable, absent: ABSENT.has(content.unreadable) };
}

/** Why reading a file gave nothing: no such file (and no such folder) is no project file at all. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

/** A valid `maxFileSize`: a positive whole number of bytes. */
export function isFileSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function readRules(value: unknown, problems: string[]): SeverityOverrides {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('rules must map rule codes to severities');
    return {};
  }
  const codes = new Set(rules.map((rule) => rule.code));
  const result: Record<string, string> = {};
  for (const [code, severity] of Object.entries(value)) {
    if (!codes.has(code)) problems.push(`unknown rule "${code}"`);
    else if (typeof severity !== 'string' || !SEVERITIES.includes(severity)) {
      problems.push(`rules.${code} must be one of ${SEVERITIES.join(', ')}`);
    } else result[code] = severity;
  }
  return result as SeverityOverrides;
}
