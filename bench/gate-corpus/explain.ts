/**
 * Explains the gate's verdict on chosen lines of a corpus: every check's issues and every
 * claim the grounded check extracted, with what it matched or why not.
 *
 *   npx tsx bench/gate-corpus/explain.ts --corpus FILE.jsonl --line 23 [--line 82] \
 *     --meter electricity.csv [--meter gas=gas.csv.gz] --metadata metadata.csv [--weather weather.csv]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { AnalysisType } from '@eaio/core';
import { evaluateAnswer, promptData } from '@eaio/energy';
import { meterSpecs, portfolioFromFiles } from './corpus-facts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    line: { type: 'string', multiple: true },
    meter: { type: 'string', multiple: true },
    metadata: { type: 'string' },
    weather: { type: 'string' },
  },
});
if (!values.corpus || !values.metadata || !values.meter?.length || !values.line?.length) {
  throw new Error('--corpus, --line, --meter and --metadata are required');
}
const portfolio = await portfolioFromFiles(meterSpecs(values.meter), values.metadata, values.weather);
const lines = readFileSync(values.corpus, 'utf8').split('\n');
for (const wanted of values.line) {
  const entry = JSON.parse(lines[Number(wanted) - 1]) as { buildingId: string; type: AnalysisType; label: string; style?: string; defect?: string; text: string };
  const facts = portfolio.facts.find((candidate) => candidate.building.buildingId === entry.buildingId);
  if (!facts) throw new Error(`${values.corpus}:${wanted}: no facts for building ${entry.buildingId}`);
  const verdict = evaluateAnswer(entry.text, promptData(facts), entry.type);
  console.log(
    `== line ${wanted}: ${entry.buildingId} ${entry.type} ${entry.label} ${entry.style ?? ''} ${entry.defect ?? ''} → ${verdict.pass ? 'pass' : 'fail'} (${verdict.score})`,
  );
  for (const [name, check] of Object.entries(verdict.checks)) for (const issue of check.issues) console.log(`  ${name}: ${issue}`);
  for (const claim of verdict.claims) console.log(`  claim ${JSON.stringify(claim)}`);
}
