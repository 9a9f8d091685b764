/**
 * Writer E — fourteen writing styles. Each overrides the voice of the base Writer; every
 * number still comes from Facts.
 */
import { type DataIssue, monthName, nice, words } from './lib';
import { Writer, type Finding, type RecPlan, type Wrap, cap, defaultRecText, ordinal } from './good';

function verdict(w: Writer): 'fit' | 'caveats' | 'poor' {
  const crit = w.f.b.dataIssues.some((i) => i.severity === 'critical');
  const minCov = Math.min(...w.f.b.meters.map((m) => w.f.truth(`${m}.coverage.coverageRatio`)));
  if (crit || minCov < 0.9) return 'poor';
  if (w.f.b.dataIssues.some((i) => i.severity === 'warning')) return 'caveats';
  return 'fit';
}

// 1 ------------------------------------------------------------------------------------------
/** A small local model: clipped fragments, lower case, few words. */
export class TerseLocal extends Writer {
  name = 'terse-local';
  british = false;
  euiUnit = 'kWh/m2';
  slopeUnit = 'kWh/C';
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage') {
      const v = verdict(this);
      return `${this.f.b.id}: data ${v === 'fit' ? 'ok for analysis' : v === 'caveats' ? 'usable w/ caveats' : 'weak, use carefully'}. elec coverage ${this.pc(`${e}.coverage.coverageRatio`)}.`;
    }
    if (this.type === 'retrofit-plan')
      return `${this.f.b.id} plan: ${this.q(`${e}.load.baseloadKw`)} base, ${this.q(`${e}.euiKwhPerSqm`)} vs median ${this.n('peers.medianEuiKwhPerSqm')}. fix base first.`;
    return `${this.f.b.id} elec ${this.q(`${e}.annualKwh`)}/yr, base ${this.q(`${e}.load.baseloadKw`)}, peak ${this.q(`${e}.load.peakKw`)}.`;
  }
  loadFinding(meter: string): Finding {
    const p = `${meter}.load`;
    return {
      title: `${meter} load`,
      detail: `base ${this.q(`${p}.baseloadKw`)} / peak ${this.q(`${p}.peakKw`)}. LF ${this.n(`${p}.loadFactor`, 2)}. night:day ${this.n(`${p}.nightDayRatio`, 2)}, wkday:wkend ${this.n(`${p}.weekdayWeekendRatio`, 2)}.`,
      evidence: this.evs(`${p}.baseloadKw`, `${p}.peakKw`, `${p}.loadFactor`, `${p}.nightDayRatio`, `${p}.weekdayWeekendRatio`),
    };
  }
  anomalyFinding(i: number): Finding {
    const a = this.f.b.anomalies[i];
    return {
      title: `${a.kind} ${this.f.date(i)}`,
      detail: `${a.meter} ${this.f.date(i)}: ${this.q(a.actualMetric)} vs ${this.q(a.expectedMetric)} exp.`,
      evidence: this.evs(a.actualMetric, a.expectedMetric),
    };
  }
  coverageFinding(meter: string): Finding {
    const c = `${meter}.coverage`;
    return {
      title: `${meter} coverage`,
      detail: `${this.n(`${c}.validHours`)}/${this.n(`${c}.expectedHours`)} h valid. zeros ${this.n(`${c}.zeroHours`)} h. gap max ${this.n(`${c}.longestGapHours`)} h.`,
      evidence: this.evs(`${c}.coverageRatio`, `${c}.validHours`, `${c}.zeroHours`),
    };
  }
  issueResponse(issue: DataIssue): string {
    return issue.kind === 'outage' ? 'exclude outage hrs, flag logger' : issue.kind === 'zero-runs' ? 'zeros = plant off, ok' : 'caveat totals, get more data';
  }
  confidence(): number {
    return Math.round((super.confidence() - 0.05) * 100) / 100;
  }
  wrap(): Wrap {
    return this.r.pick(['raw', 'fence'] as Wrap[]);
  }
}

// 2 ------------------------------------------------------------------------------------------
/** Verbose report with section labels inside strings. */
export class GptReport extends Writer {
  name = 'gpt-report';
  british = false;
  mode = 'mwh' as const;
  evidenceMwh = true;
  euiUnit = 'kWh/m²/yr';
  summary(): string {
    const e = 'electricity';
    const parts = [`Overview: This ${this.sp('analysis')} covers ${this.label()} for calendar year 2019.`];
    if (this.type === 'data-quality-triage') {
      const v = verdict(this);
      parts.push(
        `Key takeaway: the dataset is ${v === 'fit' ? 'fit for a full energy analysis' : v === 'caveats' ? 'fit for analysis once the flagged gaps are handled' : 'only partly fit for analysis; conclusions should be treated as provisional'}, with electricity coverage of ${this.pc(`${e}.coverage.coverageRatio`)}.`,
      );
    } else {
      parts.push(
        `Key takeaway: annualized electricity consumption is ${this.q(`${e}.annualKwh`)}, an intensity of ${this.q(`${e}.euiKwhPerSqm`)}, which places the building at the ${this.q('peers.euiPercentile')} of its ${this.n('peers.groupSize')}-building peer group.`,
      );
      if (this.hasGas()) parts.push(`Gas adds ${this.q('gas.annualKwh')}.`);
      if (this.type === 'retrofit-plan') parts.push('The recommendations below are ordered by estimated annual savings.');
    }
    return parts.join(' ');
  }
  intensityFinding(): Finding {
    const pos = this.aboveMedian();
    const d = Math.abs(this.f.truth('d.euiVsMedianPct'));
    const rel = pos === 'near' ? 'essentially at' : `${nice(d, 2)}% ${pos}`;
    return {
      title: 'Energy Use Intensity Benchmarking',
      detail: `Context: peer median intensity is ${this.q('peers.medianEuiKwhPerSqm')}. Result: this building's ${this.q('electricity.euiKwhPerSqm')} is ${rel} the median${pos === 'near' ? '' : ''}. Interpretation: it ranks at the ${this.q('peers.euiPercentile')} among ${this.n('peers.groupSize')} comparable buildings.`,
      evidence: this.evs('electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm', 'peers.euiPercentile', 'peers.groupSize'),
    };
  }
  weatherFinding(meter: string): Finding {
    const f = super.weatherFinding(meter);
    f.title = `Weather Sensitivity (${cap(meter)})`;
    f.detail = `Analysis: ${f.detail} Implication: ${this.weatherWords(meter).drive === 'heating' ? 'controls that respond to outdoor temperature are worth reviewing' : 'cooling plant operation deserves attention'}.`;
    return f;
  }
  wrap(): Wrap {
    return this.r.pick(['preamble-fence', 'fence', 'pretty'] as Wrap[]);
  }
  preamble(): string {
    return this.r.pick(['Certainly! Below is the structured analysis in the requested JSON format.', "Here's a comprehensive analysis of the building's energy data:"]);
  }
}

// 3 ------------------------------------------------------------------------------------------
/** A careful analyst who states what the data cannot show. */
export class Cautious extends Writer {
  name = 'cautious-analyst';
  summary(): string {
    const c = this.confidence();
    const gas = this.hasGas() ? '' : ' Gas: not applicable (no gas meter in the data).';
    const e = 'electricity';
    if (this.type === 'data-quality-triage') {
      const v = verdict(this);
      return `On the evidence available the electricity record (${this.pc(`${e}.coverage.coverageRatio`)} of hours valid) is ${v === 'fit' ? 'adequate' : v === 'caveats' ? 'adequate, subject to the gaps noted' : 'patchy enough that any analysis must carry explicit caveats'}.${gas} Confidence is ${this.confidenceWord(c)}.`;
    }
    const cost = this.type === 'retrofit-plan' ? ' Costs and paybacks cannot be estimated from these data, so the plan is stated in energy terms only.' : '';
    return `Provisionally, the building used ${this.q(`${e}.annualKwh`)} of electricity (annualised), with an intensity of ${this.q(`${e}.euiKwhPerSqm`)}.${gas}${cost} I would put confidence at a ${this.confidenceWord(c)} level given the data issues listed.`;
  }
  weatherFinding(meter: string): Finding {
    const f = super.weatherFinding(meter);
    const st = this.f.strength(this.f.truth(`${meter}.weather.r`));
    if (st === 'weak') f.detail += ' With so weak a correlation I would not lean on this relationship.';
    else f.detail += ' Correlation is not causation, but the pattern is consistent.';
    return f;
  }
  anomalyFinding(i: number): Finding {
    const f = super.anomalyFinding(i);
    f.detail += ' Without site logs the cause cannot be confirmed; it may be operational or a metering artefact.';
    return f;
  }
  issueResponse(issue: DataIssue): string {
    return super.issueResponse(issue) + ' Figures that depend on these hours are indicative only.';
  }
  recText(p: RecPlan): { action: string; rationale: string } {
    const t = defaultRecText(this, p);
    if (p.pct !== null) t.rationale += ' The percentage is a judgement, not a measured figure; costs cannot be estimated from these data.';
    return t;
  }
}

// 4 ------------------------------------------------------------------------------------------
/** Writes quantities in words where they round cleanly. */
export class InWords extends Writer {
  name = 'numbers-in-words';
  mode = 'words' as const;
  summary(): string {
    const e = 'electricity';
    const base = this.q(`${e}.load.baseloadKw`);
    if (this.type === 'data-quality-triage') {
      return `Out of ${words(this.f.truth(`${e}.coverage.expectedHours`))} expected hours, the electricity meter supplied ${this.n(`${e}.coverage.validHours`)} valid readings, and there ${this.f.b.dataIssues.length === 1 ? 'is one flagged data issue' : `are ${words(this.f.b.dataIssues.length)} flagged data issues`}.`;
    }
    return `Electricity came to ${this.q(`${e}.annualKwh`)} over the year, with a floor of ${base} that never switches off and ${this.f.b.anomalies.length === 1 ? 'one anomaly' : `${words(this.f.b.anomalies.length)} anomalies`} in the record.`;
  }
  consumptionFinding(meter: string): Finding {
    const f = super.consumptionFinding(meter);
    f.detail = `Across the year the ${meter} meter totals ${this.q(`${meter}.annualKwh`)} once annualised; spread evenly that is ${this.q(`d.${meter}.perDay`)} per day.`;
    return f;
  }
}

// 5 ------------------------------------------------------------------------------------------
/** Puts numbers in front of their nouns: "a 33 kW baseload". */
export class NounFirst extends Writer {
  name = 'number-before-noun';
  mode = 'adj' as const;
  summary(): string {
    const e = 'electricity';
    const b = this.q(`${e}.load.baseloadKw`);
    const p = this.q(`${e}.load.peakKw`);
    if (this.type === 'data-quality-triage')
      return `A ${this.pc(`${e}.coverage.coverageRatio`)} coverage record with a ${this.q(`${e}.coverage.longestGapHours`, { adj: true })} longest gap and ${this.n(`${e}.coverage.zeroHours`)} zero-reading hours.`;
    return `A ${this.q(`${e}.annualKwh`)} year, a ${b} baseload under a ${p} peak, and a ${this.q(`${e}.euiKwhPerSqm`)} intensity against a ${this.q('peers.medianEuiKwhPerSqm')} peer median.`;
  }
  loadFinding(meter: string): Finding {
    const p = `${meter}.load`;
    return {
      title: `${cap(meter)} load profile`,
      detail: `A ${this.q(`${p}.baseloadKw`)} floor, a ${this.q(`${p}.peakKw`)} ceiling, a ${this.n(`${p}.loadFactor`)} load factor, a ${this.n(`${p}.nightDayRatio`)} night-to-day ratio and a ${this.n(`${p}.weekdayWeekendRatio`)} weekday-to-weekend ratio.`,
      evidence: this.evs(`${p}.baseloadKw`, `${p}.peakKw`, `${p}.loadFactor`, `${p}.nightDayRatio`, `${p}.weekdayWeekendRatio`),
    };
  }
  anomalyFinding(i: number): Finding {
    const a = this.f.b.anomalies[i];
    return {
      title: `${this.f.date(i)} ${a.meter} ${a.kind}`,
      detail: `A ${this.q(a.actualMetric)} reading on ${this.dateText(i)}, where the model expected a ${this.q(a.expectedMetric)} ${a.kind.startsWith('week') ? 'week' : 'day'}.`,
      evidence: this.evs(a.actualMetric, a.expectedMetric),
    };
  }
}

// 6 ------------------------------------------------------------------------------------------
/** Brackets quantities in ranges that contain the true value. */
export class Ranges extends Writer {
  name = 'ranges';
  mode = 'range' as const;
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage')
      return `Coverage is good enough to work with: ${this.pc(`${e}.coverage.coverageRatio`)} of electricity hours are valid; baseload sits ${this.q(`${e}.load.baseloadKw`)}, so the profile statistics look plausible.`;
    return `Annual electricity ${this.q(`${e}.annualKwh`)}; intensity ${this.q(`${e}.euiKwhPerSqm`)} with the peer median at ${this.n('peers.medianEuiKwhPerSqm')} ${this.euiUnit}. Baseload is ${this.q(`${e}.load.baseloadKw`)}.`;
  }
}

// 7 ------------------------------------------------------------------------------------------
/** Leads with the peer benchmark and compares everything to it. */
export class PeerBench extends Writer {
  name = 'peer-benchmark';
  summary(): string {
    const pos = this.aboveMedian();
    const e = 'electricity';
    const gap = this.f.truth('d.euiMinusMedian');
    const cmp =
      pos === 'near'
        ? `within a whisker of the ${this.q('peers.medianEuiKwhPerSqm')} median`
        : `${nice(Math.abs(gap), 3)} ${this.euiUnit} ${pos} the ${this.q('peers.medianEuiKwhPerSqm')} median`;
    if (this.type === 'data-quality-triage')
      return `Before any benchmarking (the building sits at the ${this.q('peers.euiPercentile')} of ${this.n('peers.groupSize')} peers), the data need checking: electricity coverage is ${this.pc(`${e}.coverage.coverageRatio`)}.`;
    return `Against ${this.n('peers.groupSize')} peers this ${this.use()} is ${cmp}: ${this.q(`${e}.euiKwhPerSqm`)}, the ${this.q('peers.euiPercentile')}.${this.type === 'retrofit-plan' ? ' The plan targets the load components that drive that position.' : ''}`;
  }
  intensityFinding(): Finding {
    const pct = this.f.truth('peers.euiPercentile');
    const above = 100 - pct;
    return {
      title: 'Where it sits among peers',
      detail: `Roughly ${nice(above, 2)}% of the peer group uses more electricity per square metre and ${nice(pct, 2)}% uses less; the building's ${this.q('electricity.euiKwhPerSqm')} compares with a median of ${this.q('peers.medianEuiKwhPerSqm')}, a ratio of ${nice(this.f.truth('d.euiOverMedian'), 3)}.`,
      evidence: this.evs('electricity.euiKwhPerSqm', 'peers.medianEuiKwhPerSqm', 'peers.euiPercentile'),
    };
  }
}

// 8 ------------------------------------------------------------------------------------------
/** Bullet lists inside strings. */
export class Bullets extends Writer {
  name = 'bullets';
  british = false;
  summary(): string {
    const e = 'electricity';
    const lines = [`- Building ${this.f.b.id} (${this.use()}), 2019`];
    if (this.type === 'data-quality-triage') {
      lines.push(`- Electricity coverage: ${this.pc(`${e}.coverage.coverageRatio`)}`);
      lines.push(`- Data issues flagged: ${this.f.b.dataIssues.length}`);
    } else {
      lines.push(`- Electricity: ${this.q(`${e}.annualKwh`)}/yr`);
      lines.push(`- EUI: ${this.q(`${e}.euiKwhPerSqm`)} (peer median ${this.n('peers.medianEuiKwhPerSqm')})`);
      if (this.hasGas()) lines.push(`- Gas: ${this.q('gas.annualKwh')}/yr`);
    }
    return lines.join('\n');
  }
  loadFinding(meter: string): Finding {
    const p = `${meter}.load`;
    return {
      title: `${cap(meter)} load shape`,
      detail: [
        `• Baseload: ${this.q(`${p}.baseloadKw`)}`,
        `• Peak: ${this.q(`${p}.peakKw`)}`,
        `• Load factor: ${this.n(`${p}.loadFactor`)}`,
        `• Night/day: ${this.n(`${p}.nightDayRatio`)}`,
        `• Weekday/weekend: ${this.n(`${p}.weekdayWeekendRatio`)}`,
      ].join('\n'),
      evidence: this.evs(`${p}.baseloadKw`, `${p}.peakKw`, `${p}.loadFactor`, `${p}.nightDayRatio`, `${p}.weekdayWeekendRatio`),
    };
  }
  coverageFinding(meter: string): Finding {
    const c = `${meter}.coverage`;
    return {
      title: `${cap(meter)} coverage`,
      detail: [
        `• Valid hours: ${this.n(`${c}.validHours`)} of ${this.n(`${c}.expectedHours`)}`,
        `• Zero hours: ${this.n(`${c}.zeroHours`)}`,
        `• Missing hours: ${this.n(`${c}.missingHours`)}`,
        `• Longest gap: ${this.n(`${c}.longestGapHours`)} h`,
        `• Outages: ${this.n(`${c}.outageCount`)}`,
      ].join('\n'),
      evidence: this.evs(`${c}.coverageRatio`, `${c}.validHours`, `${c}.longestGapHours`, `${c}.outageCount`),
    };
  }
}

// 9 ------------------------------------------------------------------------------------------
/** A British consultant: measured, "per cent", "whilst", "programme". */
export class BritishConsultant extends Writer {
  name = 'british-consultant';
  pctWord = 'per cent';
  evidencePercent = true;
  euiUnit = 'kWh/m² per annum';
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage') {
      const v = verdict(this);
      return `Whilst ${this.pc(`${e}.coverage.coverageRatio`)} of electricity hours carry a valid reading, the record is ${v === 'fit' ? 'in good order for analysis' : v === 'caveats' ? 'serviceable, though the flagged gaps must be handled first' : 'not in a state to support firm conclusions'}.`;
    }
    return `We have analysed the ${this.use()} at ${this.f.b.id}: electricity use, annualised, is ${this.q(`${e}.annualKwh`)}, whilst its intensity of ${this.q(`${e}.euiKwhPerSqm`)} places it at the ${this.q('peers.euiPercentile')} of the peer group.`;
  }
  weatherFinding(meter: string): Finding {
    const f = super.weatherFinding(meter);
    f.detail = f.detail.replace('Daily', 'Whilst modest in places, daily');
    return f;
  }
  recText(p: RecPlan) {
    const t = defaultRecText(this, p);
    t.action = t.action.replace('Introduce', 'Programme a').replace('Tighten', 'Revisit');
    return t;
  }
}

// 10 -----------------------------------------------------------------------------------------
/** A US energy engineer: MWh, "analyzed", equipment talk. */
export class UsEngineer extends Writer {
  name = 'us-engineer';
  british = false;
  mode = 'mwh' as const;
  euiUnit = 'kWh/sq m';
  slopeUnit = 'kWh/day per °C';
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage')
      return `We analyzed interval data quality for ${this.f.b.id}. Electric coverage: ${this.pc(`${e}.coverage.coverageRatio`)}, ${this.n(`${e}.coverage.outageCount`)} outage event(s), longest gap ${this.n(`${e}.coverage.longestGapHours`)} hours.`;
    return `Analyzed ${this.f.b.id}: ${this.q(`${e}.annualKwh`)} electric (annualized), average demand ${this.q(`d.${e}.avgKw`)} vs ${this.q(`${e}.load.peakKw`)} peak, ${this.q(`${e}.load.baseloadKw`)} base.`;
  }
  loadFinding(meter: string): Finding {
    const f = super.loadFinding(meter);
    f.detail += ` Average demand works out to ${this.q(`d.${meter}.avgKw`)}.`;
    return f;
  }
}

// 11 -----------------------------------------------------------------------------------------
/** Minor format slips: metric-name variants, numbers as strings, confidence as a word. */
export class SloppyFormat extends Writer {
  name = 'sloppy-format';
  sloppy = true;
  build(...args: Parameters<Writer['build']>) {
    const out = super.build(...args);
    const c = out.answer.confidence as number;
    if (this.r.chance(0.6)) out.answer.confidence = c >= 0.75 ? 'high' : c >= 0.5 ? 'medium' : 'low';
    return out;
  }
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage')
      return `Data check for ${this.f.b.id} - electricity ${this.pc(`${e}.coverage.coverageRatio`)} covered, ${this.n(`${e}.coverage.zeroHours`)} zero hrs.`;
    return `Building ${this.f.b.id} uses ${this.q(`${e}.annualKwh`)} electricity a year (${this.q(`${e}.euiKwhPerSqm`)}).`;
  }
}

// 12 -----------------------------------------------------------------------------------------
/** Rhetorical question-and-answer voice. */
export class QandA extends Writer {
  name = 'question-answer';
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage') {
      const v = verdict(this);
      return `Can these data support an energy analysis? ${v === 'fit' ? 'Yes' : v === 'caveats' ? 'Yes, with care' : 'Only tentatively'}: ${this.pc(`${e}.coverage.coverageRatio`)} of electricity hours are valid.`;
    }
    return `How much does it use? ${this.q(`${e}.annualKwh`)} of electricity a year. Is that a lot? It sits at the ${this.q('peers.euiPercentile')} of peers, at ${this.q(`${e}.euiKwhPerSqm`)}.`;
  }
  weatherFinding(meter: string): Finding {
    const w = `${meter}.weather`;
    const ww = this.weatherWords(meter);
    const st = this.f.strength(this.f.truth(`${w}.r`));
    const keys = [`${w}.slopeKwhPerDegC`, `${w}.r`];
    return {
      title: `Does ${meter} respond to weather?`,
      detail: `${st === 'weak' ? 'Barely' : st === 'moderate' ? 'Somewhat' : 'Clearly'}. Daily use ${ww.dir} with outdoor temperature at ${this.n(`${w}.slopeKwhPerDegC`)} kWh per °C (r ${this.n(`${w}.r`)}), so demand is ${ww.warm}.${this.cpMissing(meter) ? ' Balance point? Not available: the change-point model was not fitted.' : ''}`,
      evidence: this.evs(...keys),
    };
  }
  anomalyFinding(i: number): Finding {
    const a = this.f.b.anomalies[i];
    return {
      title: `What happened on ${this.f.date(i)}?`,
      detail: `${cap(a.meter)} reached ${this.q(a.actualMetric)} when ${this.q(a.expectedMetric)} was expected.`,
      evidence: this.evs(a.actualMetric, a.expectedMetric),
    };
  }
}

// 13 -----------------------------------------------------------------------------------------
/** Walks through the year month by month. */
export class Narrative extends Writer {
  name = 'narrative';
  summary(): string {
    const e = 'electricity';
    const hi = this.f.maxMonth(e);
    const lo = this.f.minMonth(e);
    if (this.type === 'data-quality-triage')
      return `Reading the 2019 electricity record from January to December, ${this.pc(`${e}.coverage.coverageRatio`)} of hours are valid; the story is interrupted ${this.f.b.dataIssues.length ? 'by the gaps listed below' : 'by nothing of note'}.`;
    return `The year peaks in ${monthName(hi.ym)} (${this.q(hi.key)}) and bottoms out in ${monthName(lo.ym)} (${this.q(lo.key)}), adding up to ${this.q(`${e}.annualKwh`)} annualised.`;
  }
  seasonalFinding(meter: string): Finding {
    const hi = this.f.maxMonth(meter);
    const lo = this.f.minMonth(meter);
    const ratio = this.f.derived[`d.${meter}.maxMinRatio`];
    return {
      title: `${cap(meter)} through the year`,
      detail: `Use climbs to ${this.q(hi.key)} in ${monthName(hi.ym)} and falls to ${this.q(lo.key)} in ${monthName(lo.ym)}${ratio !== undefined ? `, a swing of ${nice(ratio, 2)} to one` : ''}.`,
      evidence: this.evs(hi.key, lo.key),
    };
  }
  findings(): Finding[] {
    const out = super.findings();
    if (this.type !== 'data-quality-triage' && !out.some((x) => /through the year/.test(x.title))) out.splice(1, 0, this.seasonalFinding('electricity'));
    return out;
  }
}

// 14 -----------------------------------------------------------------------------------------
/** An analyst who derives per-day means, shares and ratios. */
export class Derivations extends Writer {
  name = 'derived-figures';
  slopeUnit = 'kWh/day/°C';
  summary(): string {
    const e = 'electricity';
    const share = this.f.derived[`d.${e}.baseShare`];
    if (this.type === 'data-quality-triage')
      return `Zero readings amount to ${this.q(`d.${e}.zeroDays`)} of electricity data (${this.n(`${e}.coverage.zeroHours`)} h), and the longest gap is ${this.q(`d.${e}.gapDays`)}; coverage is ${this.pc(`${e}.coverage.coverageRatio`)}.`;
    return `Electricity averages ${this.q(`d.${e}.perDay`)} a day (${this.q(`${e}.annualKwh`)} a year)${share !== undefined ? `; the ${this.q(`${e}.load.baseloadKw`)} baseload alone accounts for about ${this.q(`d.${e}.baseShare`, { digits: 2 })} of it` : ''}.${this.hasGas() ? ` Gas is ${this.q('d.gas.sharePct', { digits: 2 })} of the combined total.` : ''}`;
  }
  loadFinding(meter: string): Finding {
    const f = super.loadFinding(meter);
    const ptb = this.f.derived[`d.${meter}.peakToBase`];
    if (ptb !== undefined) f.detail += ` Peak is ${nice(ptb, 2)} times the baseload.`;
    return f;
  }
  anomalyFinding(i: number): Finding {
    const f = super.anomalyFinding(i);
    const a = this.f.b.anomalies[i];
    const diff = this.f.v(`d.anom.${i}.diff`);
    f.detail += ` That is ${nice(Math.abs(diff), 3)} kWh ${diff >= 0 ? 'more' : 'less'} than expected (${nice(a.deviationPercent, 3)}%).`;
    return f;
  }
}

// 15 -----------------------------------------------------------------------------------------
/** Pipe-separated pseudo-tables inside strings. */
export class TableIsh extends Writer {
  name = 'table-in-text';
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage')
      return `meter | coverage | zero h | longest gap h\n${this.meters()
        .map((m) => `${m} | ${this.pc(`${m}.coverage.coverageRatio`)} | ${this.n(`${m}.coverage.zeroHours`)} | ${this.n(`${m}.coverage.longestGapHours`)}`)
        .join('\n')}`;
    return `metric | value\nannual electricity | ${this.q(`${e}.annualKwh`)}\nEUI | ${this.q(`${e}.euiKwhPerSqm`)}\npeer median | ${this.q('peers.medianEuiKwhPerSqm')}`;
  }
  anomalyFinding(i: number): Finding {
    const a = this.f.b.anomalies[i];
    return {
      title: `Anomaly ${this.f.date(i)}`,
      detail: `date | meter | actual | expected\n${this.f.date(i)} | ${a.meter} | ${this.q(a.actualMetric)} | ${this.q(a.expectedMetric)}`,
      evidence: this.evs(a.actualMetric, a.expectedMetric),
    };
  }
}

// 16 -----------------------------------------------------------------------------------------
/** Friendly chat assistant with a preamble. */
export class Chatty extends Writer {
  name = 'chatty-assistant';
  british = false;
  summary(): string {
    const e = 'electricity';
    if (this.type === 'data-quality-triage')
      return `Good news first: ${this.pc(`${e}.coverage.coverageRatio`)} of the electricity hours came through. ${this.f.b.dataIssues.length ? "There are a few gaps worth tidying up, which I've listed." : "I didn't find any flagged issues."}`;
    return `So, here's the picture: this ${this.use()} used ${this.q(`${e}.annualKwh`)} of electricity in 2019 and never drops below about ${this.q(`${e}.load.baseloadKw`)}. ${this.f.b.anomalies.length ? "A few days stood out, and I've called them out below." : ''}`.trim();
  }
  wrap(): Wrap {
    return 'preamble-fence';
  }
  preamble(): string {
    return this.r.pick(["Sure! Here's what I found:", 'Happy to help — here is the JSON:', "Okay, here's my analysis of the building:"]);
  }
}

export const STYLES: (new () => Writer)[] = [
  TerseLocal,
  GptReport,
  Cautious,
  InWords,
  NounFirst,
  Ranges,
  PeerBench,
  Bullets,
  BritishConsultant,
  UsEngineer,
  SloppyFormat,
  QandA,
  Narrative,
  Derivations,
  TableIsh,
  Chatty,
];

export { ordinal };
