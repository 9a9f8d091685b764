import type { LocalTimeoutConfig } from '@eaio/core';
import type { GenerationStats } from '@eaio/providers';

/** A derived timeout and how it was reached (logged, and readable in tests). */
export interface LocalTimeout {
  timeoutMs: number;
  /** Output speed used, tokens/s. */
  tokensPerSecond: number;
  /** Where the speed came from. */
  speedSource: 'measured' | 'configured' | 'default';
  /** Load allowance included, ms (0 when the model answered within `keep_alive`). */
  loadAllowanceMs: number;
  reason: string;
}

export interface LocalTimeouts {
  /** The timeout of one call to `model` on `host` that may generate up to `maxTokens`. */
  timeoutFor(host: string, model: string, maxTokens: number): LocalTimeout;
  /** Feeds one finished call: its generation figures (when reported) and that the model is now loaded. */
  observe(host: string, model: string, generation: GenerationStats | undefined): void;
  /** The rolling measured speed, tokens/s; `undefined` before `minSamples` calls reported one. */
  measuredTokensPerSecond(host: string, model: string): number | undefined;
}

/**
 * Milliseconds of an Ollama `keep_alive` (`"30m"`, `"1h"`, `"300s"`, `"500ms"`, a number of
 * seconds); `Infinity` for a negative value (kept loaded for ever), `0` for unload at once.
 */
export const keepAliveMs = (keepAlive: string | number): number => {
  const match = typeof keepAlive === 'number' ? null : /^(-?\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(keepAlive.trim());
  const value = typeof keepAlive === 'number' ? keepAlive : Number(match?.[1] ?? Number.NaN);
  if (!Number.isFinite(value)) throw new Error(`keep_alive "${keepAlive}" is not a duration (use e.g. 30m, 1h, 300s or -1)`);
  if (value < 0) return Number.POSITIVE_INFINITY;
  const unit = typeof keepAlive === 'number' ? 's' : (match?.[2] ?? 's');
  return value * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'];
};

/** Outputs shorter than this say little about speed (startup overhead dominates). */
const MIN_SAMPLE_TOKENS = 16;

interface Track {
  samples: { tokens: number; evalMs: number }[];
  /** Epoch ms of the last finished call (the model is loaded from then for `keep_alive`). */
  lastAnswerAt?: number;
  /** Longest load a call on this host+model reported, ms. */
  longestLoadMs: number;
}

/**
 * Per-process timeouts for local calls, derived from the work instead of one fixed number:
 * `min(maxSec, max(minSec, firstTokenSec + load + safetyFactor × maxTokens / tokensPerSecond))`.
 * The speed is a rolling figure per host and model from Ollama's `eval_count / eval_duration`
 * (the last `rollingSamples` calls, token-weighted) once `minSamples` calls reported it, else
 * the configured one for `host/model` or `model`, else `tokensPerSecond`. `load` is
 * `modelLoadSec` (or 1.5 × the longest load seen, when larger) unless this process had an
 * answer from the model on that host within `keepAlive`.
 */
export const createLocalTimeouts = (config: LocalTimeoutConfig, now: () => number = Date.now): LocalTimeouts => {
  const keepAlive = keepAliveMs(config.keepAlive);
  const tracks = new Map<string, Track>();
  const key = (host: string, model: string) => `${host}/${model}`;
  const track = (host: string, model: string): Track => {
    let found = tracks.get(key(host, model));
    if (!found) {
      found = { samples: [], longestLoadMs: 0 };
      tracks.set(key(host, model), found);
    }
    return found;
  };

  const measuredTokensPerSecond = (host: string, model: string): number | undefined => {
    const samples = tracks.get(key(host, model))?.samples ?? [];
    if (samples.length < config.minSamples) return undefined;
    const tokens = samples.reduce((sum, sample) => sum + sample.tokens, 0);
    const ms = samples.reduce((sum, sample) => sum + sample.evalMs, 0);
    return ms > 0 ? (tokens * 1000) / ms : undefined;
  };

  return {
    measuredTokensPerSecond,
    observe(host, model, generation) {
      const entry = track(host, model);
      entry.lastAnswerAt = now();
      if (!generation) return;
      if (generation.loadMs !== undefined) entry.longestLoadMs = Math.max(entry.longestLoadMs, generation.loadMs);
      if (generation.outputTokens < MIN_SAMPLE_TOKENS || !(generation.evalMs > 0)) return;
      entry.samples.push({ tokens: generation.outputTokens, evalMs: generation.evalMs });
      if (entry.samples.length > config.rollingSamples) entry.samples.splice(0, entry.samples.length - config.rollingSamples);
    },
    timeoutFor(host, model, maxTokens) {
      const measured = measuredTokensPerSecond(host, model);
      const configured = config.models[key(host, model)] ?? config.models[model];
      const tokensPerSecond = measured ?? configured ?? config.tokensPerSecond;
      const speedSource = measured !== undefined ? 'measured' : configured !== undefined ? 'configured' : 'default';
      const entry = tracks.get(key(host, model));
      const loaded = entry?.lastAnswerAt !== undefined && keepAlive > 0 && now() - entry.lastAnswerAt < keepAlive;
      const loadAllowanceMs = loaded ? 0 : Math.max(config.modelLoadSec * 1000, 1.5 * (entry?.longestLoadMs ?? 0));
      const generationMs = (config.safetyFactor * maxTokens * 1000) / tokensPerSecond;
      const raw = config.firstTokenSec * 1000 + loadAllowanceMs + generationMs;
      const timeoutMs = Math.round(Math.min(config.maxSec * 1000, Math.max(config.minSec * 1000, raw)));
      const reason =
        `${(timeoutMs / 1000).toFixed(1)} s = first token ${config.firstTokenSec} s + load ${(loadAllowanceMs / 1000).toFixed(0)} s` +
        ` + ${config.safetyFactor} × ${maxTokens} tokens at ${tokensPerSecond.toFixed(1)} tok/s (${speedSource})` +
        (timeoutMs !== Math.round(raw) ? `, held to ${config.minSec}..${config.maxSec} s` : '');
      return { timeoutMs, tokensPerSecond, speedSource, loadAllowanceMs, reason };
    },
  };
};
