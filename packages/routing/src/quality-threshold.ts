import type { QualityConfig, TaskType } from '@eaio/core';

/** Gate pass score for a task type: its own threshold, else the default. */
export const passThreshold = (quality: Pick<QualityConfig, 'defaultThreshold' | 'thresholds'>, taskType: TaskType): number =>
  quality.thresholds[taskType] ?? quality.defaultThreshold;
