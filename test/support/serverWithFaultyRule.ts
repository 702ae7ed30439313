/**
 * The language server with one rule made to throw, as a bug would: `service-without-endpoints`
 * throws whenever the objects it starts from include one of a file named `poison.yaml`.
 * Spawned by test/lsp/robustness.test.ts over stdio, like the real server.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/features/startServer';
import { rules } from '../../server/src/rules';

const rule = rules.find((candidate) => candidate.code === 'service-without-endpoints')!;
const check = rule.check.bind(rule);
rule.check = (index, context) => {
  for (const object of index.objects()) if (object.uri.endsWith('/poison.yaml')) throw new Error('injected failure');
  return check(index, context);
};

// node --test runs every file under build/test/: only a spawned server has a transport to talk over.
if (process.argv.includes('--stdio')) startServer(createConnection(ProposedFeatures.all));
