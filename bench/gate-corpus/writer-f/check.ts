/**
 * Writer F label check: re-audits every line of a generated corpus against its prompt's data block.
 *
 *   npx tsx bench/gate-corpus/writer-f/check.ts --prompts P.jsonl --corpus OUT.jsonl
 *
 * A good line must audit clean; a bad line must show its defect's evidence (one of `need`) and
 * nothing outside `need` ∪ `allow`. Also checks the half/half split per prompt. Exits 1 on failure.
 */
import { readFileSync } from 'node:fs';
import { audit } from './audit';
import { DEFECTS } from './defects';
import { parseFacts, type Prompt } from './lib';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
}

const prompts = new Map<string, Prompt>();
for (const l of readFileSync(arg('prompts'), 'utf8').split('\n')) {
  if (!l.trim()) continue;
  const p: Prompt = JSON.parse(l);
  prompts.set(`${p.buildingId}|${p.type}`, p);
}
const defs = new Map(DEFECTS.map((d) => [d.id, d]));
const failures: string[] = [];
const perPrompt = new Map<string, { good: number; bad: number }>();
const byStyle = new Map<string, number>();
const byDefect = new Map<string, number>();
let n = 0;
for (const l of readFileSync(arg('corpus'), 'utf8').split('\n')) {
  if (!l.trim()) continue;
  n++;
  const x = JSON.parse(l);
  const key = `${x.buildingId}|${x.type}`;
  const p = prompts.get(key);
  if (!p) {
    failures.push(`line ${n}: no prompt for ${key}`);
    continue;
  }
  const c = perPrompt.get(key) ?? { good: 0, bad: 0 };
  c[x.label as 'good' | 'bad']++;
  perPrompt.set(key, c);
  byStyle.set(x.style, (byStyle.get(x.style) ?? 0) + 1);
  const f = parseFacts(p.user);
  const v = audit(x.text, f, p.type);
  const kinds = new Set(v.map((y) => y.kind));
  if (x.label === 'good') {
    if (x.defect !== null) failures.push(`line ${n}: good with defect ${x.defect}`);
    if (v.length) failures.push(`line ${n} good ${key} ${x.style}: ${v.map((y) => `${y.kind}(${y.msg})`).join('; ')}`);
  } else if (x.label === 'bad') {
    byDefect.set(x.defect, (byDefect.get(x.defect) ?? 0) + 1);
    const d = defs.get(x.defect);
    if (!d) {
      failures.push(`line ${n}: unknown defect ${x.defect}`);
      continue;
    }
    const shown = [...kinds].some((k) => d.need.includes(k));
    const extra = [...kinds].filter((k) => !d.need.includes(k) && !d.allow.includes(k));
    if (!shown) failures.push(`line ${n} bad ${key} ${x.defect}: defect not found (${[...kinds].join(',') || 'clean'})`);
    if (extra.length) failures.push(`line ${n} bad ${key} ${x.defect}: unrelated problems ${extra.join(',')}`);
  } else failures.push(`line ${n}: label ${x.label}`);
}
for (const [k, c] of perPrompt) if (c.good !== c.bad) failures.push(`${k}: ${c.good} good vs ${c.bad} bad`);
console.log(`${n} lines, ${perPrompt.size} prompts`);
console.log('styles:', Object.fromEntries([...byStyle].sort()));
console.log('defects:', Object.fromEntries([...byDefect].sort()));
if (failures.length) {
  console.log(`${failures.length} FAILURES`);
  for (const x of failures.slice(0, 40)) console.log('  ' + x);
  process.exit(1);
}
console.log('all labels verified');
