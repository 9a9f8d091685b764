/**
 * Writer E — labelled LLM-style answers for measuring the quality gate.
 *
 *   npx tsx bench/gate-corpus/writer-e/generate.ts --prompts P.jsonl --out OUT.jsonl --seed N --per 10
 *
 * Per prompt: `per/2` good answers (distinct styles) and `per/2` bad ones (distinct defects,
 * one defect each). Deterministic for a seed. Every line is re-verified by check.ts before
 * it is written; a candidate that fails its own check is replaced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type AnalysisType, type Building, type PromptLine, Rng, parseBuilding, readJsonl } from './lib';
import { Facts } from './facts';
import type { Built } from './good';
import { STYLES } from './styles';
import { DEFECTS } from './bad';
import { verifyLine } from './check';

export interface OutLine {
  buildingId: string;
  type: AnalysisType;
  label: 'good' | 'bad';
  text: string;
  style: string;
  defect: string | null;
}

export function renderText(built: Built, r: Rng): string {
  const { answer, wrap } = built;
  const compact = JSON.stringify(answer);
  const pretty = JSON.stringify(answer, null, 2);
  switch (wrap) {
    case 'raw':
      return compact;
    case 'pretty':
      return pretty;
    case 'fence':
      return '```json\n' + pretty + '\n```';
    case 'preamble':
      return `${built.preamble}\n${r.chance(0.5) ? pretty : compact}`;
    case 'preamble-fence':
      return `${built.preamble}\n\n\`\`\`json\n${pretty}\n\`\`\``;
  }
}

function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (def === undefined) throw new Error(`missing --${name}`);
  return def;
}

export function generate(prompts: PromptLine[], seed: number, per: number): { lines: OutLine[]; rejected: Record<string, number> } {
  const buildings = new Map<string, Building>();
  for (const p of prompts) if (!buildings.has(p.buildingId)) buildings.set(p.buildingId, parseBuilding(p.user));
  const all = [...buildings.values()];
  const nGood = Math.ceil(per / 2);
  const nBad = per - nGood;
  const styleUse = new Map<string, number>();
  const defectUse = new Map<string, number>();
  const rejected: Record<string, number> = {};
  const lines: OutLine[] = [];
  for (const p of prompts) {
    const b = buildings.get(p.buildingId)!;
    const r = new Rng(`${seed}|${p.buildingId}|${p.type}`);
    // good: least-used styles first, ties broken by the seeded shuffle
    const styles = r.shuffle(STYLES).sort((x, y) => (styleUse.get(new x().name) ?? 0) - (styleUse.get(new y().name) ?? 0));
    let made = 0;
    for (const S of styles) {
      if (made >= nGood) break;
      const w = new S();
      const built = w.build(new Facts(b), p.type, r.fork(`good:${w.name}`));
      const line: OutLine = { buildingId: b.id, type: p.type, label: 'good', text: renderText(built, r.fork(`wrap:${w.name}`)), style: w.name, defect: null };
      const v = verifyLine(line, b, all);
      if (!v.ok) {
        rejected[`good:${w.name}`] = (rejected[`good:${w.name}`] ?? 0) + 1;
        continue;
      }
      lines.push(line);
      styleUse.set(w.name, (styleUse.get(w.name) ?? 0) + 1);
      made++;
    }
    // bad: least-used applicable defects first
    const names = r.shuffle(Object.keys(DEFECTS)).sort((x, y) => (defectUse.get(x) ?? 0) - (defectUse.get(y) ?? 0));
    let bad = 0;
    for (const name of names) {
      if (bad >= nBad) break;
      const rr = r.fork(`bad:${name}`);
      const S = rr.pick(STYLES);
      const built = DEFECTS[name]({ b, type: p.type, style: S, r: rr, others: all });
      if (!built) continue;
      const line: OutLine = { buildingId: b.id, type: p.type, label: 'bad', text: renderText(built, rr.fork('wrap')), style: new S().name, defect: name };
      const v = verifyLine(line, b, all);
      if (!v.ok) {
        rejected[`bad:${name}`] = (rejected[`bad:${name}`] ?? 0) + 1;
        continue;
      }
      lines.push(line);
      defectUse.set(name, (defectUse.get(name) ?? 0) + 1);
      bad++;
    }
  }
  return { lines, rejected };
}

const isMain = process.argv[1] && /generate\.ts$/.test(process.argv[1]);
if (isMain) {
  const prompts = readJsonl<PromptLine>(readFileSync(arg('prompts'), 'utf8'));
  const seed = Number(arg('seed', '1'));
  const per = Number(arg('per', '10'));
  const { lines, rejected } = generate(prompts, seed, per);
  writeFileSync(arg('out'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const by = (f: (l: OutLine) => string) => {
    const m: Record<string, number> = {};
    for (const l of lines) m[f(l)] = (m[f(l)] ?? 0) + 1;
    return m;
  };
  console.log(
    JSON.stringify(
      {
        lines: lines.length,
        label: by((l) => l.label),
        goodStyle: by((l) => (l.label === 'good' ? l.style : '-')),
        defect: by((l) => l.defect ?? '-'),
        rejected,
      },
      null,
      1,
    ),
  );
}
