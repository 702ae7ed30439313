// The fuzz harness of issue #8 (logic in test/support/fuzz.ts): npm run fuzz -- --count N --seconds S --seed X
// [--only CASE] runs random workspaces through every check; --case N replays one case, --save NAME keeps it,
// minimized, as test/fixtures/fuzz-regressions/NAME.yaml.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import fuzz from '../build/test/support/fuzz.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    only: { type: 'string' },
    case: { type: 'string' },
    save: { type: 'string' },
  },
});
const seed = Number(values.seed);
const only = values.only;
const replay = (caseNumber) =>
  `npm run fuzz -- --seed ${seed}${only ? ` --only ${only}` : ''} --case ${caseNumber} [--save NAME]`;

if (values.case !== undefined) {
  const caseNumber = Number(values.case);
  const { workspace, editSeed } = fuzz.makeCase({ seed, only }, caseNumber);
  const failure = fuzz.failureOf(workspace, editSeed);
  if (!failure) {
    console.log(`seed ${seed} case ${caseNumber}: no failure`);
    process.exit(0);
  }
  console.log(`seed ${seed} case ${caseNumber}: ${failure.message}`);
  const minimal = fuzz.minimize(workspace, editSeed, failure.kind);
  const fixture = fuzz.renderRegression(minimal, editSeed, fuzz.failureOf(minimal, editSeed));
  console.log(`minimized:\n${fixture}`);
  if (values.save) {
    const file = path.join(fuzz.REGRESSIONS, `${values.save}.yaml`);
    fs.mkdirSync(fuzz.REGRESSIONS, { recursive: true });
    fs.writeFileSync(file, fixture + (fixture.endsWith('\n') ? '' : '\n'));
    const saved = fuzz.readRegression(file);
    const reproduced = fuzz.failureOf(saved.workspace, saved.editSeed)?.kind === failure.kind;
    console.log(
      `saved ${path.relative(process.cwd(), file)}${reproduced ? '' : ' (it no longer fails once saved: check it by hand)'}`,
    );
  }
  process.exit(1);
}

console.log(`seed ${seed}${only ? `, only ${only}` : ''}: up to ${values.count} cases in ${values.seconds} s`);
const result = fuzz.runFuzz({ count: Number(values.count), seconds: Number(values.seconds), seed, only });
console.log(
  `${result.cases} cases in ${result.seconds.toFixed(1)} s (${(result.cases / result.seconds).toFixed(0)} cases/s), ` +
    `${result.failures.length} failures`,
);
const byKind = new Map();
for (const { caseNumber, failure } of result.failures) {
  // Grouped by what broke and the first words of the fix's title.
  const kind = failure.message.split('\n')[0].replace(/^([\w-]+: \S+).*/s, '$1');
  if (!byKind.has(kind)) byKind.set(kind, []);
  byKind.get(kind).push(caseNumber);
}
for (const [kind, cases] of byKind) {
  console.log(`- ${kind}\n  ${cases.length} cases, e.g. ${cases.slice(0, 5).join(', ')}; replay: ${replay(cases[0])}`);
}
process.exit(result.failures.length > 0 ? 1 : 0);
