import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type {
  CodeLens,
  CompletionList,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
  Position,
  SymbolInformation,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { copyToTemp, MINIMAL_CAPABILITIES, TestClient } from '../support/lspClient';

/**
 * Navigation over a real connection: the bundled server on a copy of
 * test/fixtures/workspaces/shop, a storefront (Service, Deployment, Ingress), a
 * database outside the cluster (Service, Endpoints, EndpointSlice), a StatefulSet
 * with its headless Service, and a Service still without Endpoints.
 */
const SHOP = path.resolve(__dirname, '../../../test/fixtures/workspaces/shop');

let client: TestClient;
before(async () => {
  client = await TestClient.start(copyToTemp(SHOP));
  await client.indexingDone();
  // The Endpoints port typo, the Service without Endpoints, and the deprecated Endpoints API (1.33+).
  assert.deepEqual(
    [...client.diagnostics.values()]
      .flat()
      .map((diagnostic) => diagnostic.code)
      .sort(),
    ['endpoints-deprecated', 'port-mismatch', 'service-without-endpoints'],
  );
});
after(async () => client.stop());

/** The position of the `nth` occurrence of `needle` in a file of the workspace, `delta` characters in. */
function positionOf(file: string, needle: string, delta = 0, nth = 1): Position {
  const text = fs.readFileSync(new URL(client.uri(file)), 'utf8');
  let at = -1;
  for (let i = 0; i < nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in ${file}`);
  const lines = text.slice(0, at + delta).split('\n');
  return { line: lines.length - 1, character: lines.at(-1)!.length };
}

/** `file:line:character` of a location, relative to the workspace, 1-based lines. */
function where(location: Location): string {
  const file = path.relative(client.root, new URL(location.uri).pathname);
  return `${file}:${location.range.start.line + 1}:${location.range.start.character + 1}`;
}

function request<T>(method: string, file: string, position: Position, extra: object = {}): Promise<T> {
  return client.connection.sendRequest(method, { textDocument: { uri: client.uri(file) }, position, ...extra });
}

describe('navigation over stdio', () => {
  test('announces the navigation capabilities', () => {
    const capabilities = client.capabilities;
    assert.equal(capabilities.hoverProvider, true);
    assert.equal(capabilities.definitionProvider, true);
    assert.equal(capabilities.referencesProvider, true);
    assert.deepEqual(capabilities.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(capabilities.renameProvider, { prepareProvider: true });
    assert.equal(capabilities.documentSymbolProvider, true);
    assert.equal(capabilities.workspaceSymbolProvider, true);
    assert.deepEqual(capabilities.completionProvider?.triggerCharacters, [':', ' ']);
  });

  test('hover on a selector-less Service shows its ports and backend addresses with file links', async () => {
    const hover: Hover = await request(
      'textDocument/hover',
      'db/postgres.yaml',
      positionOf('db/postgres.yaml', 'postgres', 2),
    );
    const markdown = (hover.contents as MarkupContent).value;
    assert.equal(hover.range?.start.line, 4);
    assert.match(markdown, /^\*\*Service `shop\/postgres`\*\* · ClusterIP/);
    assert.match(markdown, /No selector \(manual Endpoints\)/);
    assert.match(markdown, /- `sql` 5432 \(TCP\)/);
    const endpointsLink = `${client.uri('db/postgres-endpoints.yaml')}#L4`;
    assert.ok(
      markdown.includes(
        `- Endpoints \`shop/postgres\` ([postgres-endpoints.yaml:4](${endpointsLink})): \`10.20.30.40:5432\`, \`10.20.30.41:5432\` (not ready)`,
      ),
      markdown,
    );
    assert.match(markdown, /EndpointSlice `shop\/postgres-1` .*: `10\.20\.30\.42:5432`/);
  });

  test('hover on a selector Service lists the workloads it selects', async () => {
    const hover: Hover = await request('textDocument/hover', 'web/service.yaml', positionOf('web/service.yaml', 'web'));
    const markdown = (hover.contents as MarkupContent).value;
    assert.match(markdown, /Selector `app=web`/);
    assert.match(markdown, /- `http` 80 → `http` \(TCP\)/);
    assert.match(markdown, /- Deployment `shop\/web` \(\[deployment\.yaml:4\]\(.*#L4\)\) · 3 replicas/);
  });

  test('hover on a port a diagnostic flags explains it', async () => {
    const hover: Hover = await request(
      'textDocument/hover',
      'db/postgres-endpoints.yaml',
      positionOf('db/postgres-endpoints.yaml', 'sqll', 1),
    );
    assert.deepEqual((hover.contents as MarkupContent).value.split('\n\n'), [
      '`sqll` 5432 (TCP) → no Service port of that name and protocol (kube-proxy pairs ports by both; the Service has `sql` 5432 (TCP))',
      '**port-mismatch** (warning): An endpoint port matches no Service port by name and protocol, or a Service port has no endpoint port.',
    ]);
  });

  test('go to definition: Endpoints and slice label to the Service, targetPort to the container port, selector to the pod labels', async () => {
    const definitions = async (file: string, needle: string, delta = 0, nth = 1) =>
      (await request<Location[]>('textDocument/definition', file, positionOf(file, needle, delta, nth))).map(where);
    assert.deepEqual(await definitions('db/postgres-endpoints.yaml', 'postgres'), ['db/postgres.yaml:5:9']);
    assert.deepEqual(await definitions('db/postgres-endpoints.yaml', 'service-name: postgres', 14), [
      'db/postgres.yaml:5:9',
    ]);
    assert.deepEqual(await definitions('web/service.yaml', 'targetPort: http', 13), ['web/deployment.yaml:20:21']);
    assert.deepEqual(await definitions('web/service.yaml', 'app: web'), ['web/deployment.yaml:14:9']);
    assert.deepEqual(await definitions('web/ingress.yaml', 'name: web', 6, 2), ['web/service.yaml:5:9']);
  });

  test('find references from a Service: backends, selected workloads, Ingress backends, StatefulSet serviceName', async () => {
    const references = async (file: string, needle: string, delta: number, includeDeclaration: boolean) =>
      (
        await request<Location[]>('textDocument/references', file, positionOf(file, needle, delta), {
          context: { includeDeclaration },
        })
      ).map(where);
    assert.deepEqual(await references('web/service.yaml', 'name: web', 6, true), [
      'web/service.yaml:5:9',
      'web/deployment.yaml:4:9',
      'web/ingress.yaml:9:13',
      'web/ingress.yaml:20:23',
    ]);
    assert.deepEqual(await references('cache/redis.yaml', 'name: redis', 6, false), [
      'cache/redis.yaml:19:9',
      'cache/redis.yaml:22:16',
    ]);
    assert.deepEqual(await references('db/postgres.yaml', 'name: postgres', 6, false), [
      'db/postgres-endpoints.yaml:4:9',
      'db/postgres-endpoints.yaml:21:33',
    ]);
    // From a workload: the Services that select it.
    assert.deepEqual(await references('web/deployment.yaml', 'name: web', 6, false), ['web/service.yaml:5:9']);
  });

  test('a lens above each Service shows its backends and opens them with editor.action.showReferences', async () => {
    const lenses = async (file: string) =>
      client.connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: client.uri(file) } });
    const [postgres] = await lenses('db/postgres.yaml');
    assert.deepEqual(postgres.range.start, { line: 1, character: 0 });
    assert.equal(postgres.command?.title, '3 endpoints (1 not ready) · 1 slice');
    assert.equal(postgres.command?.command, 'editor.action.showReferences');
    const [uri, position, locations] = postgres.command!.arguments as [string, Position, Location[]];
    assert.equal(uri, client.uri('db/postgres.yaml'));
    assert.deepEqual(position, { line: 1, character: 0 });
    assert.deepEqual(locations.map(where), ['db/postgres-endpoints.yaml:4:9', 'db/postgres-endpoints.yaml:21:33']);
    assert.deepEqual(
      (await lenses('web/service.yaml')).map((lens) => lens.command?.title),
      ['selects 3 pods (deployment/web)'],
    );
    assert.deepEqual(
      (await lenses('legacy/orders.yaml')).map((lens) => [lens.command?.title, lens.command?.command]),
      [['no backends', '']],
    );
  });

  test('rename a Service: one workspace edit renames the Ingress backends, nothing else changes', async () => {
    const position = positionOf('web/service.yaml', 'name: web', 7);
    const prepared = await request<{ range: unknown; placeholder: string }>(
      'textDocument/prepareRename',
      'web/service.yaml',
      position,
    );
    assert.deepEqual(prepared, {
      range: { start: { line: 4, character: 8 }, end: { line: 4, character: 11 } },
      placeholder: 'web',
    });
    const edit = await request<WorkspaceEdit>('textDocument/rename', 'web/service.yaml', position, {
      newName: 'storefront',
    });
    const at = (line: number, character: number) => ({
      start: { line, character },
      end: { line, character: character + 3 },
    });
    assert.deepEqual(edit, {
      documentChanges: [
        {
          textDocument: { uri: client.uri('web/service.yaml'), version: null },
          edits: [{ range: at(4, 8), newText: 'storefront' }],
        },
        {
          textDocument: { uri: client.uri('web/ingress.yaml'), version: null },
          edits: [
            { range: at(8, 12), newText: 'storefront' },
            { range: at(19, 22), newText: 'storefront' },
          ],
        },
      ],
    });
  });

  test('rename from an Endpoints renames the Service, its slice label and the Endpoints', async () => {
    const edit = await request<WorkspaceEdit>(
      'textDocument/rename',
      'db/postgres-endpoints.yaml',
      positionOf('db/postgres-endpoints.yaml', 'postgres'),
      { newName: 'pg' },
    );
    const changes = (edit.documentChanges ?? []) as TextDocumentEdit[];
    assert.deepEqual(
      changes.flatMap((change) =>
        change.edits.map(
          (text) => `${where({ uri: change.textDocument.uri, range: text.range })} ${(text as TextEdit).newText}`,
        ),
      ),
      ['db/postgres.yaml:5:9 pg', 'db/postgres-endpoints.yaml:4:9 pg', 'db/postgres-endpoints.yaml:21:33 pg'],
    );
  });

  test('a client without document changes gets the rename as a plain map of edits', async () => {
    const minimal = await TestClient.start(client.root, MINIMAL_CAPABILITIES);
    try {
      // Without progress support, the diagnostics tell that indexing is over.
      await minimal.until(() => minimal.diagnostics.size === 2, 'the workspace to be checked');
      const edit: WorkspaceEdit = await minimal.connection.sendRequest('textDocument/rename', {
        textDocument: { uri: minimal.uri('cache/redis.yaml') },
        position: positionOf('cache/redis.yaml', 'name: redis', 6),
        newName: 'cache',
      });
      assert.equal(edit.documentChanges, undefined);
      assert.deepEqual(
        Object.entries(edit.changes ?? {}).map(([uri, edits]) => [
          path.relative(client.root, new URL(uri).pathname),
          edits.map((text) => `${text.range.start.line + 1}:${text.range.start.character + 1} ${text.newText}`),
        ]),
        [['cache/redis.yaml', ['5:9 cache', '22:16 cache']]],
      );
    } finally {
      await minimal.stop();
    }
  });

  test('rename refuses a name that is not a DNS-1035 label, with the reason', async () => {
    await assert.rejects(
      request('textDocument/rename', 'web/service.yaml', positionOf('web/service.yaml', 'name: web', 7), {
        newName: 'Store_Front',
      }),
      /"Store_Front" is not a valid Service name: a DNS-1035 label must consist of lower case alphanumeric characters/,
    );
    await assert.rejects(
      request('textDocument/prepareRename', 'web/deployment.yaml', positionOf('web/deployment.yaml', 'replicas')),
      /can be renamed/,
    );
  });

  test('document symbols outline a multi-document file; workspace symbols search the index', async () => {
    const symbols = await client.connection.sendRequest<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: client.uri('db/postgres-endpoints.yaml') },
    });
    assert.deepEqual(
      symbols.map((symbol) => [symbol.name, symbol.detail, symbol.children?.map((child) => child.name)]),
      [
        ['Endpoints shop/postgres', '2 addresses', ['sqll', '10.20.30.40', '10.20.30.41']],
        ['EndpointSlice shop/postgres-1', '1 address', ['sql', '10.20.30.42']],
      ],
    );
    const found = await client.connection.sendRequest<SymbolInformation[]>('workspace/symbol', { query: 'svc redis' });
    assert.deepEqual(
      found.map((symbol) => [symbol.name, where(symbol.location)]),
      [['Service shop/redis', 'cache/redis.yaml:5:9']],
    );
  });

  test('completion of an Endpoints name while typing `name: ` offers Services without backends and fills the namespace', async () => {
    const text = 'apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: \n';
    const uri = await client.open('legacy/orders-endpoints.yaml', text);
    const list = await client.connection.sendRequest<CompletionList>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 3, character: 8 },
    });
    assert.deepEqual(list.items, [
      {
        label: 'orders',
        kind: 18,
        detail: 'Service shop/orders (orders.yaml)',
        sortText: '0orders',
        filterText: 'orders',
        textEdit: { range: { start: { line: 3, character: 8 }, end: { line: 3, character: 8 } }, newText: 'orders' },
        additionalTextEdits: [
          {
            range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } },
            newText: '  namespace: shop\n',
          },
        ],
      },
    ]);
  });

  test('completion of `  - name: ` in an Endpoints ports list offers the Service port names, in a document that does not parse', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Endpoints',
      'metadata:',
      '  name: orders',
      '  namespace: shop',
      'subsets:',
      '  - addresses: [{ip: 10.0.0.9}',
      '    ports:',
      '      - name: ',
    ].join('\n');
    const uri = await client.open('legacy/orders-typing.yaml', text);
    const list = await client.connection.sendRequest<CompletionList>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 8, character: 14 },
    });
    assert.deepEqual(
      list.items.map((item) => [item.label, item.detail]),
      [['http', 'Service port 8080/TCP']],
    );
  });
});
