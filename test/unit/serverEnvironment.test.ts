import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { serverEnvironment } from '../../client/src/serverEnvironment';

/** The environment a child started as vscode-languageclient starts the server sees: the inherited one, then ours over it. */
function childEnvironment(inherited: NodeJS.ProcessEnv, compileCacheFolder?: string): Record<string, string> {
  const env = { ...inherited, ...serverEnvironment(compileCacheFolder, inherited) };
  const printed = execFileSync(process.execPath, ['-e', 'process.stdout.write(JSON.stringify(process.env))'], { env });
  return JSON.parse(printed.toString()) as Record<string, string>;
}

test('the server starts without NODE_EXTRA_CA_CERTS, however spelled, and with the code cache folder given', () => {
  const inherited = {
    PATH: process.env.PATH,
    NODE_EXTRA_CA_CERTS: '/no/such.pem',
    Node_Extra_CA_Certs: '/no/such.pem',
  };
  const child = childEnvironment(inherited, '/tmp/kube-endpoints-cache');
  assert.deepEqual(
    Object.keys(child).filter((name) => /^node_extra_ca_certs$/i.test(name)),
    [],
  );
  assert.equal(child.KUBE_ENDPOINTS_COMPILE_CACHE, '/tmp/kube-endpoints-cache');
  assert.equal(child.PATH, process.env.PATH);
  assert.equal(childEnvironment({ PATH: process.env.PATH }).KUBE_ENDPOINTS_COMPILE_CACHE, undefined);
});
