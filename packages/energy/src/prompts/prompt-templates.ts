import type { AnalysisType } from '@eaio/core';

/**
 * One versioned prompt template per analysis type. Bump `templateVersion` whenever the
 * wording changes, so stored results say which wording produced them.
 */
export interface PromptTemplate {
  analysisType: AnalysisType;
  templateId: string;
  templateVersion: number;
  /** What the model is asked to do, after the data block. */
  task: string[];
  maxTokens: number;
}

const SHARED_RULES = [
  'Answer with one JSON object that matches the JSON schema you were given, and nothing else.',
  'Cite evidence as { "metric": <name exactly as in "metrics">, "value": <number>, "unit": <unit> }; copy values from the data block, rounding to no fewer than 3 significant figures.',
  "Every number you write in prose about a metric must be that metric's value from the data block.",
  'Never estimate or mention a metric listed in "missing"; say that it is unavailable instead.',
  'confidence is a number from 0 (guess) to 1 (certain); lower it when data issues limit the analysis.',
];

const TEMPLATES: Record<AnalysisType, PromptTemplate> = {
  'data-quality-triage': {
    analysisType: 'data-quality-triage',
    templateId: 'data-quality-triage',
    templateVersion: 3,
    maxTokens: 1200,
    task: [
      "Task: data-quality triage of this building's meter data.",
      'Judge whether the data is fit for an energy analysis: coverage, outages, zero readings, missing floor area or weather.',
      'Add one entry to dataIssuesAddressed for EVERY item in "dataIssues", with "issue" set to its "kind" and "response" saying what to do about it.',
      'Give at least one finding with coverage evidence. Recommendations are optional (data fixes, with savings null).',
    ],
  },
  'building-diagnostic': {
    analysisType: 'building-diagnostic',
    templateId: 'building-diagnostic',
    templateVersion: 3,
    maxTokens: 2500,
    task: [
      'Task: energy diagnostic of this building.',
      'Explain its consumption, intensity against peers, load shape (baseload, peak, load factor, night/day and weekday/weekend ratios) and weather sensitivity, using only the metrics given.',
      'Address each of the largest anomalies in "anomalies" (listed largest first, across meters) in a finding that names its date (YYYY-MM-DD) and cites its actual and expected kWh.',
      'Add an entry to dataIssuesAddressed for every warning or critical item in "dataIssues", with "issue" set to its "kind".',
      'Recommend 1 to 3 next steps.',
    ],
  },
  'retrofit-plan': {
    analysisType: 'retrofit-plan',
    templateId: 'retrofit-plan',
    templateVersion: 3,
    maxTokens: 4000,
    task: [
      'Task: a prioritised retrofit and operational-improvement plan for this building.',
      "Give at least 2 recommendations. Each states estimatedSavingsPct (percent of that meter's annual kWh) and estimatedAnnualSavingsKwh (that percent of the meter's annualKwh); use null only when annualKwh is missing.",
      'Savings must be realistic: never more than the building consumes.',
      'Ground each recommendation in cited evidence, and add an entry to dataIssuesAddressed for every warning or critical item in "dataIssues", with "issue" set to its "kind".',
    ],
  },
};

export const promptTemplate = (analysisType: AnalysisType): PromptTemplate => TEMPLATES[analysisType];

export const sharedPromptRules = (): string[] => [...SHARED_RULES];

/** Recognises a template by its id, e.g. from the tag written into a prompt. */
export const templateById = (templateId: string): PromptTemplate | undefined => Object.values(TEMPLATES).find((template) => template.templateId === templateId);
