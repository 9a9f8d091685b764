/**
 * Writer E — the facts an answer may use, with a tamper layer. A good answer reads every
 * number through `Facts.v`; a bad answer built with a Tamper reads a falsified value,
 * unit, date or direction in exactly one place.
 */
import { type Building, DAYS_IN_MONTH_2019, type Anomaly } from './lib';

export interface Tamper {
  /** key → falsified value (metric names or derived `d.` keys). */
  value?: Record<string, number>;
  /** When true the falsified value appears in prose only; evidence keeps the true one. */
  proseOnly?: boolean;
  /** key → unit written in prose instead of the right one. */
  unit?: Record<string, string>;
  /** anomaly index → date written instead of the real one. */
  anomalyDate?: Record<number, string>;
  /** meter whose weather direction words are reversed. */
  flipDirection?: string;
  /** derived keys the prose must mention (so a falsified one is seen). */
  mention?: string[];
}

export type Kind = 'kwh' | 'kw' | 'eui' | 'ratio' | 'h' | 'slope' | 'degc' | 'pctile' | 'pct' | 'days' | 'count' | 'r' | 'x';

export class Facts {
  readonly derived: Record<string, number> = {};
  readonly used = new Set<string>();
  constructor(
    readonly b: Building,
    readonly t: Tamper = {},
  ) {
    const m = b.metrics;
    for (const meter of b.meters) {
      const annual = m[`${meter}.annualKwh`];
      if (annual === undefined) continue;
      this.derived[`d.${meter}.perDay`] = annual / 365;
      this.derived[`d.${meter}.avgKw`] = annual / 8760;
      this.derived[`d.${meter}.perMonth`] = annual / 12;
      const base = m[`${meter}.load.baseloadKw`];
      if (base !== undefined && annual > 0) {
        this.derived[`d.${meter}.baseKwhYear`] = base * 8760;
        this.derived[`d.${meter}.baseShare`] = ((base * 8760) / annual) * 100;
      }
      const peak = m[`${meter}.load.peakKw`];
      if (base && peak) this.derived[`d.${meter}.peakToBase`] = peak / base;
      const cov = m[`${meter}.coverage.coverageRatio`];
      if (cov !== undefined) this.derived[`d.${meter}.covPct`] = cov * 100;
      const zh = m[`${meter}.coverage.zeroHours`];
      if (zh !== undefined) this.derived[`d.${meter}.zeroDays`] = zh / 24;
      const gap = m[`${meter}.coverage.longestGapHours`];
      if (gap !== undefined) this.derived[`d.${meter}.gapDays`] = gap / 24;
      const lf = m[`${meter}.load.loadFactor`];
      if (lf !== undefined) this.derived[`d.${meter}.lfPct`] = lf * 100;
      const nd = m[`${meter}.load.nightDayRatio`];
      if (nd !== undefined) this.derived[`d.${meter}.ndPct`] = nd * 100;
      const months = this.months(meter);
      if (months.length) {
        const sorted = months.slice().sort((x, y) => y.kwh - x.kwh);
        const max = sorted[0];
        const min = sorted[sorted.length - 1];
        this.derived[`d.${meter}.maxMonthPerDay`] = max.kwh / DAYS_IN_MONTH_2019[Number(max.ym.slice(5)) - 1];
        if (min.kwh > 0) this.derived[`d.${meter}.maxMinRatio`] = max.kwh / min.kwh;
        this.derived[`d.${meter}.maxMinDiff`] = max.kwh - min.kwh;
      }
      const slope = m[`${meter}.weather.slopeKwhPerDegC`];
      if (slope !== undefined) this.derived[`d.${meter}.slopeAbs`] = Math.abs(slope);
      const wd = m[`${meter}.weather.days`];
      if (wd !== undefined) this.derived[`d.${meter}.weatherDaysShort`] = 365 - wd;
    }
    const eui = m['electricity.euiKwhPerSqm'];
    const med = m['peers.medianEuiKwhPerSqm'];
    if (eui !== undefined && med) {
      this.derived['d.euiVsMedianPct'] = (eui / med - 1) * 100;
      this.derived['d.euiOverMedian'] = eui / med;
      this.derived['d.euiMinusMedian'] = eui - med;
    }
    if (m['peers.euiPercentile'] !== undefined) this.derived['d.pctileAbove'] = 100 - m['peers.euiPercentile'];
    if (b.meters.length > 1) {
      const tot = b.meters.reduce((s, x) => s + (m[`${x}.annualKwh`] ?? 0), 0);
      this.derived['d.totalKwh'] = tot;
      for (const x of b.meters) {
        const a = m[`${x}.annualKwh`];
        if (a !== undefined && tot > 0) this.derived[`d.${x}.sharePct`] = (a / tot) * 100;
      }
      if (b.floorAreaSqm) this.derived['d.totalEui'] = tot / b.floorAreaSqm;
    }
    b.anomalies.forEach((a, i) => {
      this.derived[`d.anom.${i}.diff`] = a.actualKwh - a.expectedKwh;
      if (a.expectedKwh > 0) this.derived[`d.anom.${i}.ratio`] = a.actualKwh / a.expectedKwh;
      this.derived[`d.anom.${i}.dev`] = a.deviationPercent;
    });
    this.derived['d.anomCount'] = b.anomalies.length;
  }

  get m(): Record<string, number> {
    return this.b.metrics;
  }

  has(key: string): boolean {
    return key in this.b.metrics || key in this.derived;
  }

  /** The true value, untampered. */
  truth(key: string): number {
    const v = key in this.b.metrics ? this.b.metrics[key] : this.derived[key];
    if (v === undefined) throw new Error(`no value for ${key} in ${this.b.id}`);
    return v;
  }

  /** The value prose should write (tampered when a defect says so). */
  v(key: string): number {
    this.used.add(key);
    const o = this.t.value?.[key];
    return o !== undefined ? o : this.truth(key);
  }

  /** The value evidence should cite. */
  ev(key: string): number {
    if (this.t.proseOnly) return this.truth(key);
    const o = this.t.value?.[key];
    return o !== undefined ? o : this.truth(key);
  }

  unitFor(key: string, normal: string): string {
    return this.t.unit?.[key] ?? normal;
  }

  mention(key: string): boolean {
    return !!this.t.mention?.includes(key);
  }

  date(i: number): string {
    return this.t.anomalyDate?.[i] ?? this.b.anomalies[i].date;
  }

  anomalyActualKey(i: number): string {
    return this.b.anomalies[i].actualMetric;
  }

  anomalyExpectedKey(i: number): string {
    return this.b.anomalies[i].expectedMetric;
  }

  months(meter: string): { ym: string; kwh: number; key: string }[] {
    const out: { ym: string; kwh: number; key: string }[] = [];
    for (const [k, v] of Object.entries(this.b.metrics)) {
      const mm = /^(\w+)\.monthly\.(\d{4}-\d\d)\.kwh$/.exec(k);
      if (mm && mm[1] === meter) out.push({ ym: mm[2], kwh: v, key: k });
    }
    return out.sort((a, b) => a.ym.localeCompare(b.ym));
  }

  maxMonth(meter: string): { ym: string; kwh: number; key: string } {
    return this.months(meter)
      .slice()
      .sort((a, b) => b.kwh - a.kwh)[0];
  }

  minMonth(meter: string): { ym: string; kwh: number; key: string } {
    return this.months(meter)
      .slice()
      .sort((a, b) => a.kwh - b.kwh)[0];
  }

  isMissing(prefix: string): boolean {
    return this.b.missing.some((x) => x.metric === prefix || x.metric.startsWith(prefix + '.') || prefix.startsWith(x.metric));
  }

  /** Sign of the weather slope as words, reversed under a flipDirection tamper. */
  weatherRises(meter: string): boolean {
    const s = this.truth(`${meter}.weather.slopeKwhPerDegC`);
    const rises = s > 0;
    return this.t.flipDirection === meter ? !rises : rises;
  }

  strength(r: number): 'weak' | 'moderate' | 'strong' {
    const a = Math.abs(r);
    return a < 0.3 ? 'weak' : a < 0.6 ? 'moderate' : 'strong';
  }

  anomalies(): Anomaly[] {
    return this.b.anomalies;
  }

  relevantIssues(all: boolean) {
    return this.b.dataIssues.filter((i) => all || i.severity === 'warning' || i.severity === 'critical');
  }
}

export function kindOf(key: string): Kind {
  if (/Kwh$|\.kwh$|perDay$|perMonth$|baseKwhYear$|maxMinDiff$|totalKwh$|\.diff$|KwhPerDay$|maxMonthPerDay$/i.test(key)) {
    if (/KwhPerDay$/.test(key)) return 'kwh';
    return 'kwh';
  }
  if (/Kw$|avgKw$/.test(key)) return 'kw';
  if (/euiKwhPerSqm$|medianEuiKwhPerSqm$|totalEui$|euiMinusMedian$/.test(key)) return 'eui';
  if (/Hours$/.test(key)) return 'h';
  if (/SlopeKwhPerDegC$|slopeKwhPerDegC$|slopeAbs$/.test(key)) return 'slope';
  if (/BalancePointC$/.test(key)) return 'degc';
  if (/euiPercentile$|pctileAbove$/.test(key)) return 'pctile';
  if (/Pct$|Percent$|\.dev$|sharePct$|baseShare$/.test(key)) return 'pct';
  if (/Days$|weather\.days$|weatherDaysShort$/.test(key)) return 'days';
  if (/Count$|groupSize$/.test(key)) return 'count';
  if (/\.r$|\.r2$/.test(key)) return 'r';
  if (/peakToBase$|maxMinRatio$|\.ratio$|euiOverMedian$/.test(key)) return 'x';
  return 'ratio';
}
