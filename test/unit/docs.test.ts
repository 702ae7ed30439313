import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rules } from '../../server/src/rules';

const DOCS = path.resolve(__dirname, '../../../docs/rules');

test('every rule has its docs page, with its default severity and how to change it', () => {
  for (const rule of rules) {
    const file = path.join(DOCS, `${rule.code}.md`);
    assert.ok(fs.existsSync(file), `docs/rules/${rule.code}.md is missing`);
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, new RegExp(`^# ${rule.code}\\n`), `docs/rules/${rule.code}.md starts with its code`);
    assert.ok(
      text.includes(`Default severity: **${rule.defaultSeverity}**`),
      `docs/rules/${rule.code}.md states its default severity`,
    );
    for (const section of [
      '## What it checks',
      '## Why',
      '## Upstream reference',
      '## Examples',
      '## Fixes',
      '## Changing the severity',
    ])
      assert.ok(text.includes(section), `docs/rules/${rule.code}.md has "${section}"`);
  }
});

test('every docs page belongs to a rule, and the index lists every rule', () => {
  const codes = new Set(rules.map((rule) => rule.code));
  for (const entry of fs.readdirSync(DOCS)) {
    if (entry === 'README.md') continue;
    assert.ok(codes.has(entry.replace(/\.md$/, '')), `docs/rules/${entry} matches no rule`);
  }
  const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
  for (const code of codes) assert.ok(index.includes(`(${code}.md)`), `docs/rules/README.md does not list ${code}`);
});

test("the index and each rule's page open with the rule's description", () => {
  // The pages set names in code type (`serviceName`); the descriptions, shown as plain text in settings, do not.
  const plain = (text: string) => text.replaceAll('`', '');
  const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8').split('\n');
  for (const rule of rules) {
    const row = index.find((line) => line.includes(`(${rule.code}.md)`)) ?? '';
    assert.ok(
      plain(row).includes(`| ${plain(rule.description)} |`),
      `docs/rules/README.md: ${rule.code}'s description`,
    );
    const page = fs.readFileSync(path.join(DOCS, `${rule.code}.md`), 'utf8');
    const opening = page.split('\n\n')[1] ?? '';
    assert.equal(plain(opening).replaceAll('\n', ' '), plain(rule.description), `docs/rules/${rule.code}.md's opening`);
  }
});
