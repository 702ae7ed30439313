import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rules } from '../../server/src/rules';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));
const properties = manifest.contributes.configuration.properties;

test('kubeEndpoints.rules lists every rule with its description (npm run sync-rules)', () => {
  const listed = properties['kubeEndpoints.rules'].properties;
  assert.deepEqual(Object.keys(listed).sort(), rules.map((rule) => rule.code).sort());
  for (const rule of rules)
    assert.match(listed[rule.code].markdownDescription, new RegExp(`Default: \`${rule.defaultSeverity}\``));
});

test('every setting has a scope and a description', () => {
  for (const [name, schema] of Object.entries<Record<string, unknown>>(properties)) {
    assert.ok(schema.scope, `${name} has no scope`);
    assert.ok(schema.description || schema.markdownDescription, `${name} has no description`);
  }
});
