import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { WORKLOAD_KINDS } from '../../server/src/model/types';
import { yamlFilesUnder } from '../support/fixtureWorkspace';

/**
 * syntaxes/injection.json, tokenized by vscode-textmate and vscode-oniguruma (the
 * engine VS Code uses) on top of VS Code's own YAML grammar, as shipped in VS Code's
 * yaml extension (vendored by @codingame/monaco-vscode-yaml-default-extension).
 */
const ROOT = path.resolve(__dirname, '../../..');
const INJECTION_SCOPE = 'kubeEndpoints.injection';
const INJECTION_PATH = path.join(ROOT, 'syntaxes/injection.json');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const injection = JSON.parse(fs.readFileSync(INJECTION_PATH, 'utf8'));

/** A token: its text and its scopes, innermost last, without the root `source.yaml`. */
type Token = { text: string; scopes: string[] };

let plain: textmate.IGrammar;
let injected: textmate.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  plain = await yamlGrammar(false);
  injected = await yamlGrammar(true);
});

test('package.json injects the grammar into YAML', () => {
  assert.deepEqual(manifest.contributes.grammars, [
    { scopeName: INJECTION_SCOPE, path: './syntaxes/injection.json', injectTo: ['source.yaml'] },
  ]);
  assert.equal(injection.scopeName, INJECTION_SCOPE);
});

test('kind: highlights exactly the kinds the model reads', () => {
  const kinds = /\(\?:((?:[A-Za-z]+\|)*[A-Za-z]+)\)/.exec(injection.repository.kind.match)![1].split('|');
  assert.deepEqual(kinds.sort(), ['Endpoints', 'EndpointSlice', 'Kustomization', 'Service', ...WORKLOAD_KINDS].sort());
});

describe('token scopes', () => {
  // Each line marks with «» the text that gets the scope; under `none`, text that gets none of ours.
  const expectations: Record<string, string[]> = {
    'support.type.kind.kubernetes': [
      'kind: «Service»',
      'kind: «EndpointSlice» # the new API',
      'kind: "«Endpoints»"',
      '  - {kind: «Deployment», apiVersion: apps/v1}',
    ],
    'support.constant.api-version.kubernetes': ['apiVersion: «v1»', "apiVersion: 'autoscaling/«v2beta2»'"],
    'entity.name.namespace.api-group.kubernetes': ['apiVersion: «discovery.k8s.io»/v1'],
    'punctuation.separator.api-version.kubernetes': ['apiVersion: discovery.k8s.io«/»v1'],
    'constant.numeric.ip-address.ipv4.kubernetes': ['      - ip: «10.0.0.1»', '  - addresses: ["«192.0.2.10»", ::1]'],
    'constant.numeric.ip-address.ipv6.kubernetes': [
      '  - addresses: ["192.0.2.10", «2001:db8::1»]',
      '  clusterIP: «fd00::10»',
      '  loopback: «::1»',
    ],
    'support.type.property-name.label.service-name.kubernetes': [
      '    «kubernetes.io/service-name»: web',
      '    "«kubernetes.io/service-name»": web',
    ],
    none: [
      'kind: «ConfigMap»',
      'kind: «ServiceAccount»',
      'notkind: «Service»',
      'apiVersion: «not a version»',
      '  ip: «300.1.1.1»',
      '  version: «1.2.3.4.5»',
      '  image: «nginx:1.25.3»',
      '  at: «12:30:00»',
      '  mac: «aa:bb:cc:dd:ee:ff»',
      '    «kubernetes.io/service-name-suffix»: web',
    ],
  };
  for (const [scope, marked] of Object.entries(expectations)) {
    for (const markedLine of marked) {
      test(`${markedLine.trim()}: ${scope}`, () => {
        const line = markedLine.replace(/[«»]/g, '');
        const text = /«(.*)»/.exec(markedLine)![1];
        const tokens = tokenize(injected, line)[0];
        const covering = tokens.filter((token) => text.includes(token.text) && token.text.trim() !== '');
        assert.ok(
          covering
            .map((token) => token.text)
            .join('')
            .includes(text),
          JSON.stringify(tokens),
        );
        if (scope === 'none') {
          assert.deepEqual(
            covering.flatMap((token) => token.scopes.filter(isOurs)),
            [],
          );
        } else {
          const token = covering.find((candidate) => candidate.text === text);
          assert.ok(token?.scopes.includes(scope), `"${text}" in ${JSON.stringify(tokens)}`);
        }
      });
    }
  }

  test('our scopes nest inside the YAML string scope', () => {
    const [tokens] = tokenize(injected, 'kind: Service');
    const service = tokens.find((token) => token.text === 'Service')!;
    assert.deepEqual(service.scopes.slice(-2), ['string.unquoted.plain.out.yaml', 'support.type.kind.kubernetes']);
  });

  test('nothing in comments', () => {
    const [tokens] = tokenize(injected, 'ip: 10.0.0.2 # not 10.0.0.3, kind: Service');
    const comment = tokens.filter((token) => token.scopes.some((scope) => scope.startsWith('comment')));
    assert.ok(comment.length > 0);
    for (const token of comment) assert.deepEqual(token.scopes.filter(isOurs), [], JSON.stringify(token));
  });
});

test('the YAML grammar is undisturbed: every character keeps its YAML scopes in every fixture and example', () => {
  const files = [...yamlFilesUnder(path.join(ROOT, 'test/fixtures')), ...yamlFilesUnder(path.join(ROOT, 'examples'))];
  assert.ok(files.length > 20);
  let highlighted = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const without = tokenize(plain, text);
    const withInjection = tokenize(injected, text);
    without.forEach((tokens, line) => {
      const hostScopes = (list: Token[]) =>
        list.flatMap((token) => [...token.text].map(() => token.scopes.filter((scope) => !isOurs(scope)).join(' ')));
      assert.deepEqual(hostScopes(withInjection[line]), hostScopes(tokens), `${path.relative(ROOT, file)}:${line + 1}`);
      highlighted += withInjection[line].filter((token) => token.scopes.some(isOurs)).length;
    });
  }
  assert.ok(highlighted > 100, `${highlighted} tokens highlighted`);
});

function isOurs(scope: string): boolean {
  return scope.endsWith('.kubernetes');
}

/** Tokens of each line of `text`, the rule stack carried from line to line. */
function tokenize(grammar: textmate.IGrammar, text: string): Token[][] {
  let stack = textmate.INITIAL;
  return text.split(/\r?\n/).map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return result.tokens.map((token) => ({
      text: line.slice(token.startIndex, token.endIndex),
      scopes: token.scopes.slice(1),
    }));
  });
}

/** `source.yaml` as VS Code loads it: its grammars by VS Code's yaml extension manifest, ours injected or not. */
async function yamlGrammar(withInjection: boolean): Promise<textmate.IGrammar> {
  const extension = path.dirname(
    require.resolve('@codingame/monaco-vscode-yaml-default-extension/resources/package.json'),
  );
  const yamlExtension = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8'));
  const grammarFiles = new Map<string, string>();
  for (const grammar of yamlExtension.contributes.grammars as { scopeName: string; path: string }[]) {
    grammarFiles.set(grammar.scopeName, path.join(extension, path.basename(grammar.path)));
  }
  grammarFiles.set(INJECTION_SCOPE, INJECTION_PATH);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const file = grammarFiles.get(scopeName);
      return file ? textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scopeName) => (withInjection && scopeName === 'source.yaml' ? [INJECTION_SCOPE] : undefined),
  });
  const grammar = await registry.loadGrammar('source.yaml');
  assert.ok(grammar, 'VS Code YAML grammar loads');
  return grammar;
}
