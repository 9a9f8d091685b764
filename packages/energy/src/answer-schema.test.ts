import { describe, expect, it } from 'vitest';
import { AnalysisAnswerSchema, answerJsonSchemaFor, answerSchemaFor, type AnalysisAnswer } from './answer-schema';

const answer = (): AnalysisAnswer => ({
  summary: 'The building uses 1,234,568 kWh of electricity a year.',
  findings: [{ title: 'Consumption', detail: 'Annual consumption is high.', evidence: [{ metric: 'electricity.annualKwh', value: 1234568, unit: 'kWh' }] }],
  recommendations: [
    {
      action: 'Cut baseload',
      rationale: 'Baseload runs all night.',
      estimatedAnnualSavingsKwh: 61700,
      estimatedSavingsPct: 5,
      evidence: [{ metric: 'electricity.load.baseloadKw', value: 98.6 }],
      priority: 'high',
    },
  ],
  dataIssuesAddressed: [{ issue: 'outage', response: 'Outage hours excluded.' }],
  confidence: 0.8,
});

describe('answer schema', () => {
  it('accepts a complete answer and rejects a confidence outside 0..1', () => {
    expect(AnalysisAnswerSchema.safeParse(answer()).success).toBe(true);
    expect(AnalysisAnswerSchema.safeParse({ ...answer(), confidence: 1.4 }).success).toBe(false);
    expect(AnalysisAnswerSchema.safeParse({ ...answer(), confidence: 'high' }).success).toBe(false);
  });

  it('rejects findings without evidence and unknown priorities', () => {
    const noEvidence = answer();
    noEvidence.findings[0].evidence = [];
    expect(AnalysisAnswerSchema.safeParse(noEvidence).success).toBe(false);
    const badPriority = { ...answer(), recommendations: [{ ...answer().recommendations[0], priority: 'urgent' }] };
    expect(AnalysisAnswerSchema.safeParse(badPriority).success).toBe(false);
  });

  it('requires at least two recommendations for a retrofit plan only', () => {
    expect(answerSchemaFor('building-diagnostic').safeParse(answer()).success).toBe(true);
    expect(answerSchemaFor('retrofit-plan').safeParse(answer()).success).toBe(false);
    const two = answer();
    two.recommendations.push({ ...two.recommendations[0], action: 'LED lighting' });
    expect(answerSchemaFor('retrofit-plan').safeParse(two).success).toBe(true);
  });

  it('emits a JSON Schema with the required sections and the retrofit minimum', () => {
    const schema = answerJsonSchemaFor('retrofit-plan') as { required: string[]; properties: Record<string, { minItems?: number }> };
    expect(schema.required).toEqual(expect.arrayContaining(['summary', 'findings', 'recommendations', 'dataIssuesAddressed', 'confidence']));
    expect(schema.properties.recommendations.minItems).toBe(2);
    expect((answerJsonSchemaFor('data-quality-triage') as typeof schema).properties.recommendations.minItems).toBeUndefined();
  });
});
