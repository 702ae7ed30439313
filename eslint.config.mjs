// typescript-eslint recommended with type information, plus the few rules this project relies on.
import tseslint from 'typescript-eslint';
import stylistic from '@stylistic/eslint-plugin';

export default tseslint.config(
  {
    ignores: [
      '**/out/**',
      'build/**',
      'node_modules/**',
      '.e2e-cache/**',
      'bench/workspaces/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@stylistic': stylistic },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() and describe() return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'describe'], package: 'node:test' }] },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/lsp.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        ...['vscode-languageserver', 'vscode-languageserver/node'].map((name) => ({
          name,
          allowTypeImports: true,
          message: "Import its values from server/src/lsp.ts: each module's import copies the package's exports.",
        })),
      ],
    },
  },
  {
    // The analysis core makes objects per document, object and finding: tens of thousands.
    files: ['server/src/{model,index,rules,node}/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ObjectExpression > SpreadElement:first-child ~ Property',
          message:
            "Node 20's V8 gives each object made by a literal that opens with a spread and adds properties a hidden " +
            'class of its own, and every read of it then misses the inline caches. Spread last, or use ' +
            'Object.assign({}, source, { … }) to replace fields.',
        },
      ],
    },
  },
);
