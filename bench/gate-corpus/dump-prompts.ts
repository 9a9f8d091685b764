/**
 * Writes the prompts the workers would send, one JSON object a line:
 * `{ buildingId, type, system, user }`, computing the facts from meter files the production
 * way (`computePortfolioFacts`). This is the only input an independent answer writer gets.
 *
 *   npx tsx bench/gate-corpus/dump-prompts.ts --meter electricity.csv [--meter gas=gas.csv.gz] \
 *     --metadata metadata.csv [--weather weather.csv] [--buildings b40,b41] --out prompts.jsonl
 *   npx tsx bench/gate-corpus/dump-prompts.ts --generate DIR [--seed 8] [--count 40] --out prompts.jsonl
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ANALYSIS_TYPES } from '@eaio/core';
import { buildPrompt, generatePortfolio } from '@eaio/energy';
import { meterSpecs, portfolioFromFiles } from './corpus-facts';

const { values } = parseArgs({
  options: {
    meter: { type: 'string', multiple: true },
    metadata: { type: 'string' },
    weather: { type: 'string' },
    buildings: { type: 'string' },
    out: { type: 'string' },
    generate: { type: 'string' },
    seed: { type: 'string', default: '8' },
    count: { type: 'string', default: '40' },
  },
});
if (!values.out) throw new Error('--out FILE is required');
let files = { meter: values.meter ?? [], metadata: values.metadata, weather: values.weather };
if (values.generate) {
  const generated = await generatePortfolio({ outDir: values.generate, seed: Number(values.seed), buildings: Number(values.count), outageShare: 0.4, anomalyShare: 0.6 });
  files = { meter: [generated.files.meter], metadata: generated.files.metadata, weather: generated.files.weather };
  console.log(`generated ${generated.buildings.length} buildings in ${values.generate}`);
}
if (!files.metadata || files.meter.length === 0) throw new Error('--meter and --metadata are required (or --generate DIR)');
const only = values.buildings ? new Set(values.buildings.split(',')) : undefined;
const portfolio = await portfolioFromFiles(meterSpecs(files.meter), files.metadata, files.weather);
const out = createWriteStream(values.out);
let count = 0;
for (const facts of portfolio.facts) {
  if (only && !only.has(facts.building.buildingId)) continue;
  for (const type of ANALYSIS_TYPES) {
    const prompt = buildPrompt(type, facts);
    out.write(`${JSON.stringify({ buildingId: facts.building.buildingId, type, system: prompt.system, user: prompt.user })}\n`);
    count += 1;
  }
}
out.end();
await once(out, 'finish');
console.log(`wrote ${count} prompts to ${values.out}`);
