import { z } from 'zod';

/**
 * Provider batch endpoints (OpenAI Batch API, Anthropic Message Batches) for batches
 * submitted with a deadline (`eaio submit --deadline 24h`). Config key `batchApi`.
 */
export interface BatchApiConfig {
  /** Send the api work of deadline batches through provider batch endpoints. @defaultValue `true` */
  enabled: boolean;
  /**
   * Share of the interactive price a provider charges for batch calls, per provider name
   * (the bundled genai-prices snapshot carries no batch prices; both providers publish 50 %).
   * A provider not listed has no batch endpoint here: its calls stay interactive.
   * @defaultValue `{ openai: 0.5, anthropic: 0.5 }`
   */
  priceShare: Record<string, number>;
  /**
   * How long before the deadline a job still waiting for its provider batch gives up on it
   * and calls interactively (the provider batch is cancelled), seconds; a job that reaches
   * the api tier with less time left than this never joins a batch. @defaultValue `3600`
   */
  fallbackMarginSec: number;
  /** How long the lane gathers calls before it sends a provider batch, seconds. @defaultValue `5` */
  collectSec: number;
  /** Largest provider batch sent at once (OpenAI allows 50 000 lines, Anthropic 100 000 requests). @defaultValue `10000` */
  maxRequestsPerBatch: number;
  /** How often the lane looks at queued items and polls provider batches, seconds. @defaultValue `30` */
  pollSec: number;
}

export const batchApiSchema = z.strictObject({
  enabled: z.boolean().default(true),
  priceShare: z.record(z.string(), z.number().gt(0).max(1)).default({ openai: 0.5, anthropic: 0.5 }),
  fallbackMarginSec: z.number().nonnegative().default(3600),
  collectSec: z.number().nonnegative().default(5),
  maxRequestsPerBatch: z.number().int().positive().max(50_000).default(10_000),
  pollSec: z.number().positive().default(30),
});

/** `24h`, `90m`, `2d`, `3600s` or an ISO date-time → the deadline's epoch ms from `now`. */
export const parseDeadline = (value: string, now: Date = new Date()): Date => {
  const relative = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/i.exec(value.trim());
  if (relative) {
    const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2].toLowerCase() as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() + Number(relative[1]) * unitMs);
  }
  const absolute = Date.parse(value);
  if (!Number.isNaN(absolute)) return new Date(absolute);
  throw new Error(`deadline "${value}": give a duration (30m, 24h, 2d) or an ISO date-time`);
};
