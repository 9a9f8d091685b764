/**
 * Shared vocabulary of eaio. Every package speaks these names; nothing here does I/O.
 */

/** How far a job's content may travel. */
export const PRIVACY_LEVELS = ['PRIVATE', 'ENHANCED', 'PUBLIC'] as const;
/**
 * - `PRIVATE`: local tiers only; content never reaches a paid API.
 * - `ENHANCED`: API allowed when quality or complexity needs it.
 * - `PUBLIC`: API preferred for complex work.
 */
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

/** Work queues, cheapest first. `review` is where jobs wait for a person. */
export const TIERS = ['local-fast', 'local-quality', 'api'] as const;
export type Tier = (typeof TIERS)[number];
export const REVIEW_QUEUE = 'review' as const;
export type QueueName = Tier | typeof REVIEW_QUEUE;

export const isLocalTier = (tier: Tier): boolean => tier !== 'api';

/** Building-analysis task types, simple to complex. */
export const ANALYSIS_TYPES = ['data-quality-triage', 'building-diagnostic', 'retrofit-plan'] as const;
export type AnalysisType = (typeof ANALYSIS_TYPES)[number];

/** Generic prompt task types accepted from JSONL intake. */
export const GENERIC_TASK_TYPES = ['classification', 'extraction', 'summarization', 'qa', 'reasoning', 'code', 'generic'] as const;
export type GenericTaskType = (typeof GENERIC_TASK_TYPES)[number];

export type TaskType = AnalysisType | GenericTaskType;

export const isAnalysisType = (value: string): value is AnalysisType => (ANALYSIS_TYPES as readonly string[]).includes(value);
