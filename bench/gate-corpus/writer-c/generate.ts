/**
 * Writer C: an independent, labelled corpus of LLM-style answers for the project's
 * building-energy prompts. Node built-ins only; imports no project code.
 *
 *   npx tsx bench/gate-corpus/writer-c/generate.ts --prompts P.jsonl --out O.jsonl --seed N [--per 10]
 *
 * Each prompt gets `per` answers, half good and half bad (bad gets the odd one out when
 * `per` is odd). Every answer is self-checked by verify.ts, which reads only the prompt's
 * data block and the raw answer text: a good answer must show no problem at all; a bad
 * answer must show the problem its defect is meant to cause (or, for the two defects a
 * number check cannot see, its targeted claim must be false against the data block).
 * Exits 1 when any answer fails its self-check.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseBlock, readJsonl, makeRng, hashString, type Prompt, type Block } from './lib';
import { STYLES, type StyleName } from './compose';
import { buildGood, makeCtx, render } from './answer';
import { DEFECTS } from './defects';
import { checkAnswer } from './verify';

interface Args {
  prompts: string;
  out: string;
  seed: number;
  per: number;
}

function parseArgs(argv: string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const prompts = get('prompts');
  const out = get('out');
  if (!prompts || !out) {
    console.error('usage: generate.ts --prompts P.jsonl --out O.jsonl --seed N [--per N]');
    process.exit(2);
  }
  const seed = Number(get('seed') ?? 1);
  const per = Number(get('per') ?? 10);
  if (!Number.isInteger(per) || per < 1) throw new Error('--per must be a positive integer');
  return { prompts, out, seed, per };
}

interface Row {
  buildingId: string;
  type: string;
  label: 'good' | 'bad';
  text: string;
  style: StyleName;
  defect: string | null;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const prompts = readJsonl<Prompt>(readFileSync(args.prompts, 'utf8'));
  const blocks = new Map<string, Block>();
  for (const p of prompts) if (!blocks.has(p.buildingId)) blocks.set(p.buildingId, parseBlock(p.user));
  const others = [...blocks.values()];
  const rows: Row[] = [];
  const failures: string[] = [];
  const defectUse: Record<string, number> = Object.fromEntries(Object.keys(DEFECTS).map((d) => [d, 0]));
  const nStyles = STYLES.length;

  prompts.forEach((p, pi) => {
    const b = parseBlock(p.user);
    const nGood = Math.floor(args.per / 2);
    for (let j = 0; j < args.per; j++) {
      const good = j < nGood;
      const k = good ? j : j - nGood;
      const style = STYLES[(pi * 5 + k + (good ? 0 : Math.floor(nStyles / 2))) % nStyles];
      const rng = makeRng(hashString(`${args.seed}|${p.buildingId}|${p.type}|${j}`));
      const c = makeCtx(b, p.type, style, rng);
      const model = buildGood(c);
      if (good) {
        const text = render(c, model);
        const r = checkAnswer(p.user, p.type, text);
        if (r.problems.length) failures.push(`GOOD ${p.buildingId} ${p.type} ${style}: ${r.problems.map((x) => `${x.problem} (${x.note})`).join('; ')}`);
        rows.push({ buildingId: p.buildingId, type: p.type, label: 'good', text, style, defect: null });
        continue;
      }
      // least-used defect first; ties broken by the rng
      const order = Object.keys(DEFECTS).sort(
        (x, y) => defectUse[x] - defectUse[y] || hashString(`${args.seed}${p.buildingId}${p.type}${j}${x}`) - hashString(`${args.seed}${p.buildingId}${p.type}${j}${y}`),
      );
      let done = false;
      const tried: string[] = [];
      for (const name of order) {
        for (let attempt = 0; attempt < 6 && !done; attempt++) {
          const out = DEFECTS[name]({ c, good: model, others, attempt });
          if (!out) break;
          const r = checkAnswer(p.user, p.type, out.text);
          let ok: boolean;
          if (out.claim) ok = out.text.includes(JSON.stringify(out.claim.sentence).slice(1, -1)) && out.claim.check(b);
          else ok = r.problems.some((x) => out.expect.includes(x.problem));
          if (ok) {
            rows.push({ buildingId: p.buildingId, type: p.type, label: 'bad', text: out.text, style, defect: name });
            defectUse[name]++;
            done = true;
          } else tried.push(`${name}#${attempt}: ${r.problems.map((x) => x.problem).join(',') || 'no problem found'}`);
        }
        if (done) break;
      }
      if (!done) failures.push(`BAD ${p.buildingId} ${p.type} ${style}: no defect verified (${tried.slice(0, 6).join(' | ')})`);
    }
  });

  writeFileSync(args.out, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const tally = (key: (r: Row) => string) => {
    const t: Record<string, number> = {};
    for (const r of rows) t[key(r)] = (t[key(r)] ?? 0) + 1;
    return Object.fromEntries(Object.entries(t).sort());
  };
  const report = {
    prompts: prompts.length,
    answers: rows.length,
    labels: tally((r) => r.label),
    byStyle: tally((r) => `${r.style} ${r.label}`),
    byDefect: tally((r) => r.defect ?? '(good)'),
    byType: tally((r) => `${r.type} ${r.label}`),
    selfCheckFailures: failures.length,
  };
  console.error(JSON.stringify(report, null, 1));
  if (failures.length) {
    for (const f of failures.slice(0, 30)) console.error(f);
    process.exit(1);
  }
}

main();
