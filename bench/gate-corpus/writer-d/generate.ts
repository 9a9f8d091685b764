/**
 * Writer D: an independent, labelled corpus of LLM answers to the analysis prompts.
 *
 *   npx tsx bench/gate-corpus/writer-d/generate.ts --prompts P.jsonl --out O.jsonl --seed N [--per 10]
 *
 * Reads prompt lines { buildingId, type, system, user }, writes per prompt `per` answers
 * (half good, half bad) as { buildingId, type, label, text, style, defect }, re-checks every
 * label with the independent checker (check.ts) and exits 1 when one fails.
 * Node built-ins only; no project code. See README.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { type BuildingData, type PromptLine, Rng, hashString, parseDataBlock } from './data.js';
import { GOOD_STYLES, type Style } from './writer.js';
import { applySlip, goodAnswer, render } from './compose.js';
import { DEFECTS, type Other, type Planted, cleanStyles } from './defects.js';
import { checkBad, checkGood, dataOf } from './check.js';

interface Row {
  buildingId: string;
  type: string;
  label: 'good' | 'bad';
  text: string;
  style: string;
  defect: string | null;
}

const { values } = parseArgs({
  options: {
    prompts: { type: 'string' },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
    per: { type: 'string', default: '10' },
  },
});
if (!values.prompts || !values.out) {
  console.error('usage: generate.ts --prompts P.jsonl --out O.jsonl --seed N [--per N]');
  process.exit(2);
}
const seed = Number(values.seed);
const per = Math.max(1, Number(values.per));

const prompts: PromptLine[] = readFileSync(values.prompts, 'utf8')
  .split('\n')
  .filter((l) => l.trim().length > 0)
  .map((l) => JSON.parse(l) as PromptLine);

const parsed = prompts.map((p) => ({ prompt: p, data: parseDataBlock(p.user) }));
const othersByType = new Map<string, Other[]>();
for (const { prompt, data } of parsed) {
  const list = othersByType.get(prompt.type) ?? [];
  list.push({ buildingId: prompt.buildingId, data });
  othersByType.set(prompt.type, list);
}
const checkerData = new Map<string, ReturnType<typeof dataOf>>();
for (const { prompt } of parsed) checkerData.set(prompt.buildingId, dataOf(prompt.user));

const styleCount = new Map<string, number>();
const defectCount = new Map<string, number>();
const rows: Row[] = [];
const failures: string[] = [];
const defectNames = Object.keys(DEFECTS);

const renderPlanted = (planted: Planted, style: Style, rng: Rng): string => {
  const wrapper = rng.pick(style.wrappers);
  const text = render(planted.answer, wrapper === 'compact' && planted.cut ? 'pretty' : wrapper, rng);
  if (planted.cut === undefined) return text;
  const json = text.indexOf('{');
  return text.slice(0, json + Math.floor((text.length - json) * planted.cut));
};

parsed.forEach(({ prompt, data }, promptIndex) => {
  const rng = new Rng((seed * 1000003) ^ hashString(`${prompt.buildingId}|${prompt.type}|${promptIndex}`));
  const nGood = Math.ceil(per / 2);
  const nBad = per - nGood;
  const checkData = checkerData.get(prompt.buildingId) ?? dataOf(prompt.user);
  // good answers: rotate through the styles, least used first
  for (let i = 0; i < nGood; i += 1) {
    const style = [...GOOD_STYLES].sort((a, b) => (styleCount.get(a.name) ?? 0) - (styleCount.get(b.name) ?? 0) || rng.next() - 0.5)[0];
    styleCount.set(style.name, (styleCount.get(style.name) ?? 0) + 1);
    const { answer } = goodAnswer(data, prompt.type, style, rng);
    applySlip(answer, style, rng, data.meters.length);
    const text = render(answer, rng.pick(style.wrappers), rng);
    const errors = checkGood(text, checkData, prompt.type, style.name);
    if (errors.length > 0) failures.push(`GOOD ${prompt.buildingId} ${prompt.type} ${style.name}: ${errors.slice(0, 3).join(' | ')}`);
    rows.push({ buildingId: prompt.buildingId, type: prompt.type, label: 'good', text, style: style.name, defect: null });
  }
  // bad answers: the least used defect that applies and passes its check
  const used = new Set<string>();
  for (let i = 0; i < nBad; i += 1) {
    const order = [...defectNames].sort((a, b) => (defectCount.get(a) ?? 0) - (defectCount.get(b) ?? 0) || rng.next() - 0.5);
    let done = false;
    for (const name of order) {
      if (used.has(name)) continue;
      for (let attempt = 0; attempt < 4 && !done; attempt += 1) {
        const style = rng.pick(cleanStyles());
        const planted = DEFECTS[name]({ data, type: prompt.type, rng, style, others: othersByType.get(prompt.type) ?? [] });
        if (!planted) break;
        const text = renderPlanted(planted, style, rng);
        const others = new Map<string, ReturnType<typeof dataOf>>(checkerData);
        const errors = checkBad(text, checkData, prompt.type, planted.proof, others);
        if (errors.length > 0) continue;
        rows.push({ buildingId: prompt.buildingId, type: prompt.type, label: 'bad', text, style: style.name, defect: name });
        defectCount.set(name, (defectCount.get(name) ?? 0) + 1);
        used.add(name);
        done = true;
      }
      if (done) break;
    }
    if (!done) failures.push(`BAD ${prompt.buildingId} ${prompt.type}: no defect could be planted`);
  }
});

mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const table = (m: Map<string, number>): string =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `  ${k.padEnd(34)} ${v}`)
    .join('\n');
console.log(`wrote ${rows.length} answers (${rows.filter((r) => r.label === 'good').length} good, ${rows.filter((r) => r.label === 'bad').length} bad) to ${values.out}`);
console.log(`good styles:\n${table(styleCount)}`);
console.log(`defects:\n${table(defectCount)}`);
if (failures.length > 0) {
  console.error(`${failures.length} label check failure(s):`);
  for (const f of failures.slice(0, 40)) console.error(`  ${f}`);
  process.exit(1);
}
console.log('self-check: every label verified');

export type { BuildingData };
