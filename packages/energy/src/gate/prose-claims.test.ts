import { describe, expect, it } from 'vitest';
import { healthyFacts } from '../prompts/fixture-facts';
import { promptData } from '../prompts/prompt-data';
import { proseClaims } from './prose-claims';

const data = promptData(healthyFacts());
const claims = (text: string) => proseClaims(text, data).map((claim) => [claim.written, claim.subject]);

describe('proseClaims', () => {
  it('attributes numbers next to metric phrases, before or after them', () => {
    expect(claims('The baseload is about 98.6 kW, while peak demand reaches 241 kW.')).toEqual([
      ['98.6 kW', 'baseload'],
      ['241 kW', 'peak'],
    ]);
    expect(claims('A 98.6 kW baseload sits under a 241 kW peak.')).toEqual([
      ['98.6 kW', 'baseload'],
      ['241 kW', 'peak'],
    ]);
    expect(claims('It sits at the 71st percentile (peer median 252 kWh/m²).')).toEqual([
      ['71st', 'percentile'],
      ['252 kWh/m²', 'peer median'],
    ]);
    expect(claims('Annual electricity consumption is 1.23 million kWh, an EUI of 375 kWh/m2.')).toEqual([
      ['1.23 million kWh', 'consumption'],
      ['375 kWh/m2', 'EUI'],
    ]);
    expect(claims('Coverage is 95.9% with 362 zero readings; the longest gap lasts 46 hours.')).toEqual([
      ['95.9%', 'coverage'],
      ['362', 'zero hours'],
      ['46 hours', 'longest gap'],
    ]);
  });

  it('reads metric names written out', () => {
    const [claim] = proseClaims('As electricity.load.peakKw = 241.3 kW shows, demand is peaky.', data);
    expect(claim).toMatchObject({ subject: 'electricity.load.peakKw', value: 241.3, candidates: ['electricity.load.peakKw'] });
  });

  it('reads kWh in a sentence naming an anomaly date as that day', () => {
    const [actual, expected] = proseClaims('On 24 July 2019 the building used 5,120 kWh against 3,390 kWh expected.', data);
    expect(actual.candidates).toContain('electricity.anomaly.day-high.2019-07-24.actualKwh');
    expect(expected.value).toBe(3390);
  });

  it('tells the expected figure of an anomaly day from the actual one by the words around it', () => {
    const actual = 'electricity.anomaly.day-high.2019-07-24.actualKwh';
    const expected = 'electricity.anomaly.day-high.2019-07-24.expectedKwh';
    for (const sentence of [
      'On 2019-07-24 the building used 5,120 kWh against an expected 3,390 kWh.',
      'The day starting 2019-07-24: 5,120 kWh recorded where 3,390 kWh was expected.',
      'Consumption on 2019-07-24 was 5,120 kWh; the model expected 3,390 kWh.',
      'On 24 July 2019, a typical 3,390 kWh day became 5,120 kWh.',
    ]) {
      const claims = proseClaims(sentence, data);
      expect(claims.find((claim) => claim.value === 5120)?.candidates, sentence).toEqual([actual]);
      expect(claims.find((claim) => claim.value === 3390)?.candidates, sentence).toEqual([expected]);
    }
    // Unmarked figures may be either; "more than expected" does not mark the number after it.
    expect(proseClaims('On 2019-07-24 use was 5,120 kWh.', data)[0].candidates).toEqual([actual, expected]);
    expect(proseClaims('On 2019-07-24 use was higher than expected at 5,120 kWh.', data)[0].candidates).toEqual([actual, expected]);
  });

  it('reads a sentence that names no meter as about the meter its finding cites', () => {
    expect(proseClaims('The baseload is 4.2 kW.', data)[0].candidates).toEqual(['electricity.load.baseloadKw', 'gas.load.baseloadKw']);
    expect(proseClaims('The baseload is 4.2 kW.', data, { meter: 'electricity' })[0].candidates).toEqual(['electricity.load.baseloadKw']);
    expect(proseClaims('The gas baseload is 4.2 kW.', data, { meter: 'electricity' })[0].candidates).toEqual(['gas.load.baseloadKw']);
  });

  it('leaves savings, targets, changes, dates, times and counts alone', () => {
    expect(claims('Reducing the baseload by 10 kW would save 87,600 kWh a year.')).toEqual([]);
    expect(claims('Aim to bring the baseload down to 60 kW.')).toEqual([]);
    expect(claims('A 5% cut in baseload is realistic; plant runs 24/7 from 00:00 to 06:00.')).toEqual([]);
    expect(claims('The 2019 data shows 3 outages; the peak on 2019-10-04 was short.')).toEqual([]);
    expect(claims('Baseload is roughly 40% of peak.')).toEqual([]);
  });
});
