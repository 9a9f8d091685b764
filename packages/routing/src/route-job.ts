import type { AnalysisType, PrivacyLevel, TaskType } from '@eaio/core';

/** What the producer knows about a building's data, as far as routing cares. */
export interface BuildingFeatures {
  /** Share of expected hourly readings present, 0..1. */
  coverageRatio: number;
  /** Anomalies found in the series (spikes, outages, baseload shifts …). */
  anomalyCount: number;
  /** Meters with data (electricity, gas, …). */
  meterCount: number;
  /** Whether a weather-sensitivity model could be fitted. */
  hasWeatherModel: boolean;
  /** Data issues reported by the readers (low coverage, all-zero, no floor area …). */
  dataIssueCount: number;
}

/** A generic prompt from JSONL intake. */
export interface PromptRouteJob {
  kind: 'prompt';
  prompt: string;
  taskType: TaskType;
  /** @defaultValue `config.routing.defaultPrivacy` */
  privacy?: PrivacyLevel;
}

/** One building analysis. */
export interface BuildingRouteJob {
  kind: 'building';
  analysisType: AnalysisType;
  features: BuildingFeatures;
  /** @defaultValue `config.routing.defaultPrivacy` */
  privacy?: PrivacyLevel;
}

/** The job as routing sees it. */
export type RouteJob = PromptRouteJob | BuildingRouteJob;

export const taskTypeOf = (job: RouteJob): TaskType => (job.kind === 'prompt' ? job.taskType : job.analysisType);
