// Types of scenarios.mjs, for the TypeScript suite that runs in desktop VS Code
// (test/vscode/). Keep in step with scenarios.mjs.

export interface Finding {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'information' | 'hint';
  code: string;
}

export const REPO_ROOT: string;
export const EXAMPLES_DIR: string;
export const EXAMPLE_FINDINGS: Finding[];
export const EXAMPLE_HINTS: Finding[];
export function findingKey(finding: Finding): string;
export function findingKeys(findings: Finding[]): string[];

export const CREATE_ENDPOINTS: {
  file: string;
  line: number;
  column: number;
  code: string;
  preferred: string;
  titles: string[];
  inFileTitles: string[];
  kindLine: string;
  appended: string;
  placeholder: string;
  placeholderFinding: Finding;
  address: string;
};

export const CROSS_FILE_FIXES: {
  name: string;
  file: string;
  line: number;
  column: number;
  code: string;
  title: string;
  edits: string;
  expectText: RegExp;
  clears: string[];
}[];

export const SNIPPET: {
  prefix: string;
  file: string;
  name: string;
  breakEndpointsName: string;
  brokenCodes: string[];
};

export function contributedSnippet(
  prefix?: string,
): Promise<{ name: string; prefix: string; body: string[]; description?: string }>;

export function servicePair(text: string): Promise<{
  service?: { name?: string; namespace?: string };
  endpoints?: { name?: string; namespace?: string };
}>;

export const HOVER: { file: string; line: number; column: number; shows: string[] };

export const RENAME: {
  file: string;
  line: number;
  column: number;
  newName: string;
  partner: string;
  expectText: RegExp;
};
