// Writes the `kubeEndpoints.rules` setting schema into package.json from the rule list, so the two cannot drift.
// Run after adding a rule: npm run sync-rules (a unit test fails while they differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { rules } = require('../build/server/src/rules/index.js');
const manifestPath = new URL('../package.json', import.meta.url);
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.contributes.configuration.properties['kubeEndpoints.rules'] = ruleSettingsSchema(rules);
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');

export function ruleSettingsSchema(ruleList) {
  const severity = {
    type: 'string',
    enum: ['off', 'hint', 'information', 'warning', 'error'],
    enumDescriptions: [
      'Do not run the rule.',
      'Show as a hint (dotted underline, not in the Problems panel).',
      'Show as information.',
      'Show as a warning.',
      'Show as an error (the command line then exits with status 1).',
    ],
  };
  return {
    scope: 'resource',
    type: 'object',
    default: {},
    additionalProperties: false,
    markdownDescription: 'Severity per rule, overriding its default. Example: `{ "port-mismatch": "error" }`.',
    properties: Object.fromEntries(
      ruleList.map((rule) => [
        rule.code,
        { ...severity, markdownDescription: `${rule.description} Default: \`${rule.defaultSeverity}\`.` },
      ]),
    ),
  };
}
