/**
 * Writer F corpus generator.
 *
 *   npx tsx bench/gate-corpus/writer-f/generate.ts --prompts P.jsonl --out OUT.jsonl --seed N --per 10
 *
 * For every prompt writes `per` labelled answers, half good and half bad:
 * { buildingId, type, label: 'good'|'bad', text, style, defect }  (defect is null for good answers).
 * Every answer is audited against its data block before it is written (see audit.ts); an answer
 * that does not audit as labelled is regenerated or replaced. Deterministic per seed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildGood, clean } from './answers';
import { audit, type ViolationKind } from './audit';
import { DEFECTS, type DefectDef } from './defects';
import { type AnalysisType, hashStr, parseFacts, type Prompt, Rng } from './lib';
import { STYLES, wrap } from './styles';

export interface OutLine {
  buildingId: string;
  type: AnalysisType;
  label: 'good' | 'bad';
  text: string;
  style: string;
  defect: string | null;
}

function arg(name: string, def?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1];
  if (def !== undefined) return def;
  throw new Error(`missing --${name}`);
}

export function verdict(def: DefectDef, kinds: Set<ViolationKind>): boolean {
  if (![...kinds].some((k) => def.need.includes(k))) return false;
  return [...kinds].every((k) => def.need.includes(k) || def.allow.includes(k));
}

function main(): void {
  const promptsPath = arg('prompts');
  const outPath = arg('out');
  const seed = Number(arg('seed', '1'));
  const per = Number(arg('per', '10'));
  const prompts: Prompt[] = readFileSync(promptsPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const factsById = new Map<string, ReturnType<typeof parseFacts>>();
  for (const p of prompts) if (!factsById.has(p.buildingId)) factsById.set(p.buildingId, parseFacts(p.user));
  const others = [...factsById.values()];
  const nBad = Math.floor(per / 2);
  const nGood = per - nBad;
  const defectCount = new Map<string, number>(DEFECTS.map((d) => [d.id, 0]));
  const styleCount = new Map<string, number>(STYLES.map((s) => [s.id, 0]));
  const out: OutLine[] = [];
  const problems: string[] = [];
  for (const p of prompts) {
    const f = parseFacts(p.user);
    const rng = new Rng(hashStr(`${seed}|${p.buildingId}|${p.type}`));
    const styles = rng.shuffle(STYLES).sort((a, b) => styleCount.get(a.id)! - styleCount.get(b.id)!);
    let si = 0;
    const nextStyle = () => styles[si++ % styles.length];
    const seen = new Set<string>();
    // good answers
    let made = 0;
    for (let tries = 0; made < nGood && tries < nGood * 6; tries++) {
      const st = nextStyle();
      const r2 = new Rng(hashStr(`${seed}|${p.buildingId}|${p.type}|good|${tries}`));
      const a = buildGood(f, p.type, st, r2);
      const text = wrap(clean(a), st, (x) => r2.pick(x));
      const v = audit(text, f, p.type);
      if (v.length) {
        problems.push(`good ${p.buildingId} ${p.type} ${st.id}: ${v.map((x) => `${x.kind}(${x.msg})`).join('; ')}`);
        continue;
      }
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ buildingId: p.buildingId, type: p.type, label: 'good', text, style: st.id, defect: null });
      styleCount.set(st.id, styleCount.get(st.id)! + 1);
      made++;
    }
    // bad answers: least-used applicable defects first
    const order = rng.shuffle(DEFECTS).sort((a, b) => defectCount.get(a.id)! - defectCount.get(b.id)!);
    let bad = 0;
    for (const def of order) {
      if (bad >= nBad) break;
      let ok = false;
      for (let attempt = 0; attempt < 8 && !ok; attempt++) {
        const st = nextStyle();
        const r3 = new Rng(hashStr(`${seed}|${p.buildingId}|${p.type}|${def.id}|${attempt}`));
        const res = def.make({ f, type: p.type, st, rng: r3, others });
        if (res === null) break;
        const text = typeof res === 'string' ? res : wrap(clean(res), st, (x) => r3.pick(x));
        const kinds = new Set(audit(text, f, p.type).map((x) => x.kind));
        if (!verdict(def, kinds) || seen.has(text)) {
          if (process.env.WRITER_F_DEBUG) console.error(`reject ${def.id} ${p.buildingId} ${p.type} ${st.id}: ${[...kinds].join(',')}`);
          continue;
        }
        seen.add(text);
        out.push({ buildingId: p.buildingId, type: p.type, label: 'bad', text, style: st.id, defect: def.id });
        defectCount.set(def.id, defectCount.get(def.id)! + 1);
        styleCount.set(st.id, styleCount.get(st.id)! + 1);
        ok = true;
      }
      if (ok) bad++;
    }
    if (made < nGood || bad < nBad) problems.push(`${p.buildingId} ${p.type}: only ${made} good / ${bad} bad`);
  }
  writeFileSync(outPath, out.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const lab = { good: out.filter((l) => l.label === 'good').length, bad: out.filter((l) => l.label === 'bad').length };
  console.log(`wrote ${out.length} lines to ${outPath} (good ${lab.good}, bad ${lab.bad})`);
  console.log('styles:', Object.fromEntries(styleCount));
  console.log('defects:', Object.fromEntries(defectCount));
  if (problems.length) {
    console.log(`${problems.length} problems:`);
    for (const x of problems.slice(0, 30)) console.log('  ' + x);
  }
}

main();
