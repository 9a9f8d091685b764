import { createHash } from 'node:crypto';
import { readFileChunks } from '@eaio/energy';

/** Canonical JSON: object keys sorted, so equal values hash equally. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

const digest = (value: unknown, length: number): string => createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, length);

/**
 * Deterministic job id: the same tenant, kind, task and input always give the same id,
 * so resubmitting a file creates no duplicates (BullMQ ignores a known job id, and
 * Postgres inserts `ON CONFLICT DO NOTHING`).
 */
export const jobIdFor = (input: { tenant: string; kind: 'building' | 'prompt'; taskType: string; key: string; content: unknown }): string =>
  `${input.kind === 'building' ? 'b' : 'p'}_${digest(input, 24)}`;

/** SHA-256 (hex) of a building's facts as canonical JSON: the response cache's facts key (facts carry their `factsVersion`). */
export const factsHashOf = (facts: unknown): string => createHash('sha256').update(canonicalJson(facts)).digest('hex');

/**
 * The response cache's key for a prompt job: SHA-256 (hex) of what is sent, the prompt text and
 * whether a JSON object is asked for. The line's id, privacy and batch are not part of it: the same
 * prompt under another id or in another file is the same question.
 */
export const promptHashOf = (prompt: { prompt: string; wantsJson: boolean }): string => factsHashOf({ prompt: prompt.prompt, json: prompt.wantsJson });

/**
 * A prompt job's prompt version for the response cache: `jsonl@<the line's promptVersion>`
 * (`jsonl@-` when it states none). Bumping a line's version makes the cache miss.
 */
export const promptVersionOf = (version: string | undefined): string => `jsonl@${version ?? '-'}`;

/** Deterministic batch id from the input files' contents and the submit options. */
export const batchIdFor = (input: { tenant: string; fileDigests: string[]; options: unknown }): string => `batch_${digest(input, 16)}`;

/** SHA-256 (hex) of a file, read in 1 MB pieces into one reused buffer. */
export const fileDigest = async (path: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of readFileChunks(path)) hash.update(chunk);
  return hash.digest('hex');
};
