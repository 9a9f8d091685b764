/**
 * Writer C: a correct answer per analysis type, and the renderer that turns an answer
 * model into the raw text a model of a given style would emit.
 */
import { type Block, type Rng, chance, pick, exact, trimNum } from './lib';
import {
  type AnswerM,
  type Ctx,
  type FindingM,
  type RecM,
  type Sent,
  type StyleName,
  Fmt,
  anomalySent,
  confidenceFor,
  confidenceWord,
  consumptionSents,
  coverageSents,
  ev,
  euiSents,
  issueResponse,
  loadSents,
  meterFacts,
  requiredIssues,
  retrofitRecs,
  weatherSents,
} from './compose';

const S = (text: string, ...keys: string[]): Sent => ({ text, keys });

export function makeCtx(b: Block, type: string, style: StyleName, rng: Rng): Ctx {
  return { b, type, style, rng, f: new Fmt(style, rng) };
}

const FILLER = [
  'Taken together, the profile points to controllable operational waste rather than a structural problem.',
  'From an asset-management perspective, the quickest wins sit in controls and scheduling rather than capital works.',
  'These observations should be read alongside the site’s operating hours and any recent changes of use.',
  'The pattern is typical of a building whose plant is left running outside occupied hours.',
];

function evs(c: Ctx, metrics: string[]) {
  return metrics.filter((m) => c.b.metrics[m] !== undefined).map((m) => ev(c.b, m, c.style, c.rng));
}

export function anomaliesToAddress(c: Ctx) {
  const sorted = [...c.b.anomalies].sort((x, y) => Math.abs(y.robustZ) - Math.abs(x.robustZ));
  const k = c.style === 'terse' || c.style === 'small-model' ? 2 : c.style === 'verbose-consultant' ? 5 : 3;
  return sorted.slice(0, k);
}

function caveatSents(c: Ctx): Sent[] {
  const out: Sent[] = [];
  if (c.style !== 'caveats' && c.style !== 'verbose-consultant') return out;
  out.push(
    S(pick(c.rng, ['Cost estimates are not possible from these data: no tariff is given.', 'No tariff data is supplied, so savings are stated in energy only, not money.'])),
  );
  if (!c.b.meters.includes('gas')) out.push(S('Gas: not applicable, as the building has no gas meter in the data.'));
  if (c.b.metrics['peers.medianEuiKwhPerSqm'] === undefined) out.push(S('No peer group is available, so intensity is not benchmarked.'));
  return out;
}

function confidenceSent(c: Ctx, cf: number): Sent[] {
  if (!['plain', 'verbose-consultant', 'caveats', 'british', 'bullets'].includes(c.style)) return [];
  const reason = c.b.issues.some((i) => i.severity !== 'info') ? 'given the data issues listed' : 'as the data are largely complete';
  return [S(`Confidence is ${confidenceWord(cf)} ${reason}.`)];
}

export function buildGood(c: Ctx): AnswerM {
  const { b, type, rng, style, f } = c;
  const cf = confidenceFor(b);
  const el = meterFacts(b, 'electricity');
  const meters = b.meters.map((m) => meterFacts(b, m));
  const findings: FindingM[] = [];
  const summary: Sent[] = [];
  let recs: RecM[] = [];
  const use = b.primaryUse ? `This ${b.primaryUse.toLowerCase()} building` : 'The building';

  if (type === 'data-quality-triage') {
    const cov = Math.min(...meters.map((m) => m.g('coverage.coverageRatio') ?? 1));
    const verdict = cov >= 0.95 ? 'fit for an energy analysis' : cov >= 0.85 ? 'usable for an energy analysis with caveats' : 'only partly usable for an energy analysis';
    summary.push(S(`${b.id}'s meter data is ${verdict}.`));
    for (const mf of meters) {
      const cs = coverageSents(c, mf);
      summary.push(cs[0] ?? S(`${mf.meter} coverage is not reported.`));
      findings.push({
        title: `${mf.meter === 'gas' ? 'Gas' : 'Electricity'} coverage and gaps`,
        sents: cs,
        evidence: evs(c, ['coverage.coverageRatio', 'coverage.validHours', 'coverage.outageCount', 'coverage.longestGapHours', 'coverage.zeroHours'].map(mf.name)),
        tag: 'coverage',
      });
    }
    const wd = el.g('weather.days');
    const ctxS: Sent[] = [];
    if (wd !== undefined) ctxS.push(S(`Weather data is matched on ${exact(wd)} days, enough for a weather regression.`, 'electricity.weather.days'));
    if (b.sqm !== null) ctxS.push(S(`Floor area is present (${exact(b.sqm)} m²), so intensity can be computed.`, 'building.sqm'));
    else ctxS.push(S('Floor area is missing, so no intensity figures can be trusted.'));
    for (const mi of b.missing) ctxS.push(S(`${mi.metric} is unavailable${mi.reason ? ` (${mi.reason})` : ''}.`));
    if (ctxS.length)
      findings.push({
        title: 'Weather and floor area',
        sents: ctxS,
        evidence: evs(c, ['electricity.weather.days', 'building.sqm']).length
          ? evs(c, ['electricity.weather.days', 'building.sqm'])
          : evs(c, ['electricity.coverage.coverageRatio']),
        tag: 'context',
      });
    const gap = el.g('coverage.longestGapHours');
    if (gap !== undefined && gap > 0)
      recs.push({
        action: 'Backfill the outage periods from supplier or AMR data',
        rationale: [S(`The longest electricity gap is ${f.H(gap)}; backfilled data would tighten the annualised totals.`, 'electricity.coverage.longestGapHours')],
        kwh: null,
        pct: null,
        evidence: evs(c, ['electricity.coverage.longestGapHours']),
        priority: 'high',
      });
    if (b.issues.some((i) => i.kind === 'zero-runs'))
      recs.push({
        action: 'Confirm the gas summer shutdown with the site',
        rationale: [S('Long zero runs on gas are read as heating off; a site check rules out a stalled meter.')],
        kwh: null,
        pct: null,
        evidence: evs(c, ['gas.coverage.zeroHours']),
        priority: 'medium',
      });
  } else {
    // diagnostic and retrofit share the descriptive findings
    const annual = el.g('annualKwh');
    const eui = el.g('euiKwhPerSqm');
    const med = b.metrics['peers.medianEuiKwhPerSqm'];
    if (annual !== undefined) {
      const dir =
        eui !== undefined && med !== undefined
          ? Math.abs(eui / med - 1) <= 0.001
            ? ', level with the peer median'
            : eui > med
              ? ', above the peer median'
              : ', below the peer median'
          : '';
      summary.push(S(`${use} used ${f.E(annual)} of electricity a year${eui !== undefined ? ` (${f.EUI(eui)}${dir})` : ''}.`, 'electricity.annualKwh', 'electricity.euiKwhPerSqm'));
    } else summary.push(S(`${use} has no annualised electricity figure; the analysis rests on the shape of the load.`));
    const cons: Sent[] = [];
    for (const mf of meters) cons.push(...consumptionSents(c, mf));
    cons.push(...euiSents(c));
    if (b.meters.length > 1 && style === 'derived-figures') {
      const ae = b.metrics['electricity.annualKwh'];
      const ag = b.metrics['gas.annualKwh'];
      if (ae !== undefined && ag !== undefined && ae + ag > 0) cons.push(S(`Gas is ${f.PCT((ag / (ae + ag)) * 100)} of the combined ${f.E(ae + ag)}.`, 'gas.annualKwh'));
    }
    findings.push({
      title: 'Consumption and intensity',
      sents: cons,
      evidence: evs(c, [
        'electricity.annualKwh',
        'electricity.euiKwhPerSqm',
        'peers.medianEuiKwhPerSqm',
        'peers.euiPercentile',
        'gas.annualKwh',
        ...(annual === undefined ? ['electricity.totalKwh'] : []),
      ]),
      tag: 'consumption',
    });
    for (const mf of meters) {
      const ls = loadSents(c, mf);
      if (ls.length)
        findings.push({
          title: `${mf.meter === 'gas' ? 'Gas' : 'Electricity'} load shape`,
          sents: ls,
          evidence: evs(c, ['load.baseloadKw', 'load.peakKw', 'load.loadFactor', 'load.nightDayRatio', 'load.weekdayWeekendRatio'].map(mf.name)),
          tag: `load-${mf.meter}`,
        });
    }
    const ws: Sent[] = [];
    for (const mf of meters) ws.push(...weatherSents(c, mf));
    if (ws.length)
      findings.push({
        title: 'Weather sensitivity',
        sents: ws,
        evidence: evs(
          c,
          meters.flatMap((mf) => ['weather.slopeKwhPerDegC', 'weather.r'].map(mf.name)),
        ),
        tag: 'weather',
      });
    const base = el.g('load.baseloadKw');
    const peak = el.g('load.peakKw');
    if (base !== undefined && peak !== undefined)
      summary.push(S(`Baseload is ${f.P(base)} against a ${f.P(peak)} peak.`, 'electricity.load.baseloadKw', 'electricity.load.peakKw'));
    if (type === 'building-diagnostic') {
      const top = anomaliesToAddress(c);
      const grouped = style === 'terse' || style === 'small-model' || chance(rng, 0.3);
      if (grouped && top.length)
        findings.push({
          title: 'Largest anomalies',
          sents: top.map((a) => anomalySent(c, a)),
          evidence: top.flatMap((a) => evs(c, [a.actualMetric, a.expectedMetric])),
          tag: 'anomalies',
        });
      else
        for (const a of top)
          findings.push({
            title: `${a.kind.startsWith('week') ? 'Week' : 'Day'} anomaly ${a.date}`,
            sents: [anomalySent(c, a)],
            evidence: evs(c, [a.actualMetric, a.expectedMetric]),
            tag: `anomaly-${a.date}`,
          });
      if (top.length) summary.push(S(`The largest anomaly is on ${top[0].date}.`));
      // next steps
      if (top.length)
        recs.push({
          action: `Investigate the ${top[0].date} ${top[0].actualKwh > top[0].expectedKwh ? 'spike' : 'dip'} with the site team`,
          rationale: [S(`Use on ${top[0].date} was ${f.E(top[0].actualKwh)} against ${f.E(top[0].expectedKwh)} expected.`, top[0].actualMetric)],
          kwh: null,
          pct: null,
          evidence: evs(c, [top[0].actualMetric, top[0].expectedMetric]),
          priority: 'high',
        });
      if (base !== undefined)
        recs.push({
          action: 'Log out-of-hours loads to find what holds up the baseload',
          rationale: [S(`A baseload of ${f.P(base)} runs around the clock.`, 'electricity.load.baseloadKw')],
          kwh: null,
          pct: null,
          evidence: evs(c, ['electricity.load.baseloadKw']),
          priority: 'medium',
        });
      if (!recs.length)
        recs.push({
          action: 'Collect a further year of interval data',
          rationale: [S('More data would firm up the load-shape findings.')],
          kwh: null,
          pct: null,
          evidence: evs(c, ['electricity.coverage.coverageRatio']),
          priority: 'low',
        });
    } else {
      recs = retrofitRecs(c);
      const first = recs[0];
      if (first && first.pct !== null) summary.push(S(`The plan is led by "${first.action.toLowerCase()}", worth about ${f.PCT(first.pct)} of annual ${first.meter}.`));
    }
  }
  summary.push(...confidenceSent(c, cf));
  if (style === 'verbose-consultant') summary.push(S(pick(rng, FILLER)));
  const issues = requiredIssues(b, type).map((is) => issueResponse(c, is));
  if (style === 'verbose-consultant' && type !== 'data-quality-triage') for (const is of b.issues.filter((i) => i.severity === 'info')) issues.push(issueResponse(c, is));
  const cav = caveatSents(c);
  if (cav.length && findings.length) findings[findings.length - 1].sents.push(...cav);
  return {
    summary,
    findings: findings.filter((x) => x.evidence.length > 0),
    recs,
    issues,
    confidence: cf,
    confidenceWord: style === 'format-slips' && chance(rng, 0.6) ? confidenceWord(cf) : undefined,
  };
}

// ---------------------------------------------------------------- rendering

const BRIT: [RegExp, string][] = [
  [/optimiz/g, 'optimis'],
  [/Optimiz/g, 'Optimis'],
  [/analyz/g, 'analys'],
  [/utiliz/g, 'utilis'],
  [/behavior/g, 'behaviour'],
  [/\bcenter/g, 'centre'],
  [/\bprogram\b/g, 'programme'],
  [/\bmeters? data\b/g, 'meter data'],
  [/%/g, ' per cent'],
];

function joinSents(c: Ctx, sents: Sent[], field: 'detail' | 'summary' | 'rationale'): string {
  const texts = sents.map((s) => s.text);
  let out: string;
  if (c.style === 'bullets' && field === 'detail' && texts.length > 1) out = texts.map((t) => `- ${t}`).join('\n');
  else if (c.style === 'small-model') out = texts.map((t) => t.replace(/^([A-Z])/, (x) => x.toLowerCase())).join(' ');
  else out = texts.join(' ');
  if (c.style === 'british') for (const [re, r] of BRIT) out = out.replace(re, r);
  return out;
}

export function render(c: Ctx, a: AnswerM): string {
  const { style, rng } = c;
  const slips = style === 'format-slips';
  const obj: Record<string, unknown> = {
    summary: joinSents(c, a.summary, 'summary'),
    findings: a.findings.map((fd) => ({ title: fd.title, detail: joinSents(c, fd.sents, 'detail'), evidence: fd.evidence })),
    recommendations: a.recs.map((r) => ({
      action: r.action,
      rationale: joinSents(c, r.rationale, 'rationale'),
      estimatedAnnualSavingsKwh: slips && r.kwh !== null && chance(rng, 0.5) ? String(r.kwh) : r.kwh,
      estimatedSavingsPct: slips && r.pct !== null && chance(rng, 0.5) ? String(r.pct) : r.pct,
      evidence: r.evidence,
      priority: r.priority,
    })),
    dataIssuesAddressed: a.issues.map((i) => ({ issue: i.issue, response: c.style === 'british' ? i.response.replace(/%/g, ' per cent') : i.response })),
    confidence: a.confidenceWord ?? a.confidence,
  };
  const json = style === 'terse' || (style === 'small-model' && chance(rng, 0.5)) ? JSON.stringify(obj) : JSON.stringify(obj, null, 2);
  if (style === 'fenced-preamble') {
    const pre = pick(rng, [`Here is the ${c.type.replace(/-/g, ' ')} for ${c.b.id}:`, 'Sure. Below is the analysis as a JSON object.', `Analysis of ${c.b.id} (JSON):`]);
    return chance(rng, 0.7) ? `${pre}\n\n\`\`\`json\n${json}\n\`\`\`` : `${pre}\n${json}`;
  }
  if (style === 'small-model' && chance(rng, 0.4)) return `${json}\n\nLet me know if you need anything else.`;
  if (chance(rng, 0.08)) return `\`\`\`json\n${json}\n\`\`\``;
  return json;
}

export { trimNum };
