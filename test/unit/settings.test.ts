import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { readSettings } from '../../server/src/features/workspace';
import { KubernetesVersion } from '../../server/src/model/kubernetesVersion';
import { FixContext } from '../../server/src/rules/types';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;

test('kubernetesVersion: the manifest default is the newest release the server knows', () => {
  assert.equal(
    properties['kubeEndpoints.kubernetesVersion'].default,
    KubernetesVersion.format(KubernetesVersion.LATEST),
  );
  assert.deepEqual(readSettings({}).kubernetesVersion, KubernetesVersion.LATEST);
});

test('kubernetesVersion: the manifest pattern and the server accept the same strings', () => {
  const pattern = new RegExp(properties['kubeEndpoints.kubernetesVersion'].pattern);
  const accepted = ['1.33', 'v1.32', '1.34.2', '1.0', '1.100'];
  const refused = ['1', '1.', '2.0', '1.33-rc.0', '01.33', '1.033', 'latest', ''];
  for (const text of accepted) {
    assert.ok(pattern.test(text), text);
    assert.ok(KubernetesVersion.parse(text), text);
  }
  for (const text of refused) {
    assert.ok(!pattern.test(text), text);
    assert.equal(KubernetesVersion.parse(text), undefined, text);
  }
  assert.deepEqual(readSettings({ kubernetesVersion: 'v1.32.4' }).kubernetesVersion, { major: 1, minor: 32 });
  assert.deepEqual(readSettings({ kubernetesVersion: 'latest' }).kubernetesVersion, KubernetesVersion.LATEST);
});

test('preferEndpointSlice: unset follows the Kubernetes version, set wins', () => {
  const context = (raw: Record<string, unknown>) => {
    const settings = readSettings(raw);
    return FixContext.of({
      kubernetesVersion: settings.kubernetesVersion,
      preferEndpointSlice: settings.preferEndpointSlice,
    });
  };
  assert.equal(context({}).preferEndpointSlice, true);
  assert.equal(context({ kubernetesVersion: '1.33' }).preferEndpointSlice, true);
  assert.equal(context({ kubernetesVersion: '1.32' }).preferEndpointSlice, false);
  assert.equal(context({ kubernetesVersion: '1.32', preferEndpointSlice: true }).preferEndpointSlice, true);
  assert.equal(context({ preferEndpointSlice: false }).preferEndpointSlice, false);
  assert.equal(context({ preferEndpointSlice: null }).preferEndpointSlice, true);
});

test('endpointSliceManagedBy: a label value that no controller owns, else the default', () => {
  assert.equal(readSettings({}).endpointSliceManagedBy, 'staff');
  assert.equal(properties['kubeEndpoints.endpointSliceManagedBy'].default, 'staff');
  assert.equal(readSettings({ endpointSliceManagedBy: 'platform-team' }).endpointSliceManagedBy, 'platform-team');
  for (const value of [
    'endpointslice-controller.k8s.io',
    'endpointslicemirroring-controller.k8s.io',
    '-x',
    'a b',
    42,
  ]) {
    assert.equal(readSettings({ endpointSliceManagedBy: value }).endpointSliceManagedBy, 'staff', String(value));
  }
});
