import { z } from 'zod';
import type { AnalysisType } from '@eaio/core';

/**
 * The structured answer every analysis prompt asks for. One schema for all analysis
 * types; `answerSchemaFor(type)` tightens it per type (a retrofit plan needs at least
 * two recommendations).
 *
 * `confidence` is a number from 0 to 1 (not low/medium/high): it averages and compares
 * across models, and a model that prefers words maps them to 0.3 / 0.6 / 0.9.
 */

/** One number the answer rests on, named exactly as the data block names it. */
export const EvidenceSchema = z.object({
  /** Metric name from the data block, e.g. `electricity.load.baseloadKw`. */
  metric: z.string().min(1),
  value: z.number(),
  /** Unit as written by the model, e.g. `kWh`, `MWh`, `%`; optional. */
  unit: z.string().optional(),
});

export const FindingSchema = z.object({
  title: z.string().min(3),
  detail: z.string().min(10),
  evidence: z.array(EvidenceSchema).min(1),
});

export const PRIORITIES = ['high', 'medium', 'low'] as const;

export const RecommendationSchema = z.object({
  action: z.string().min(3),
  rationale: z.string().min(10),
  /** kWh a year; `null` when consumption is unknown (the facts mark it missing). */
  estimatedAnnualSavingsKwh: z.number().nullable(),
  /** Percent (0–100) of the building's annual consumption; `null` when unknown. */
  estimatedSavingsPct: z.number().nullable(),
  evidence: z.array(EvidenceSchema).min(1),
  priority: z.enum(PRIORITIES),
});

export const DataIssueAddressedSchema = z.object({
  /** The data issue's `kind` from the data block, e.g. `outage`. */
  issue: z.string().min(1),
  /** What the analysis did about it (excluded hours, caveat, request for data, …). */
  response: z.string().min(5),
});

export const AnalysisAnswerSchema = z.object({
  summary: z.string().min(20),
  findings: z.array(FindingSchema).min(1),
  recommendations: z.array(RecommendationSchema),
  dataIssuesAddressed: z.array(DataIssueAddressedSchema),
  /** 0 (guess) to 1 (certain). */
  confidence: z.number().min(0).max(1),
});

export type Evidence = z.infer<typeof EvidenceSchema>;
export type Finding = z.infer<typeof FindingSchema>;
export type Recommendation = z.infer<typeof RecommendationSchema>;
export type DataIssueAddressed = z.infer<typeof DataIssueAddressedSchema>;
export type AnalysisAnswer = z.infer<typeof AnalysisAnswerSchema>;

const RetrofitAnswerSchema = AnalysisAnswerSchema.extend({
  recommendations: z.array(RecommendationSchema).min(2),
});

/** The zod schema an answer to `analysisType` must satisfy. */
export const answerSchemaFor = (analysisType: AnalysisType): z.ZodType<AnalysisAnswer> => (analysisType === 'retrofit-plan' ? RetrofitAnswerSchema : AnalysisAnswerSchema);

/** JSON Schema (draft 2020-12) of the answer for `analysisType`, for structured-output requests. */
export const answerJsonSchemaFor = (analysisType: AnalysisType): Record<string, unknown> => z.toJSONSchema(answerSchemaFor(analysisType)) as Record<string, unknown>;
