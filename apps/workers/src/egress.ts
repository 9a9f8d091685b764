import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { PrivacyConfig } from '@eaio/core';
import { anonymiseFacts, anonymiseFreeText, revealText, revealValue } from '@eaio/energy';
import type { ChatRequest, ChatResult, OutgoingRequest } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
import type { Analyzer, ModelChoice } from './pipeline-ports';

/** One outgoing request to a non-local endpoint, with whose data it carried; see `egress_audit`. */
export interface EgressRecord {
  attemptId: string;
  jobId: string;
  batchId: string;
  tenant: string;
  privacy: string;
  tier: string;
  provider: string;
  endpoint: string;
  model: string;
  method: string;
  /** Scheme, host and path; never the query string. */
  url: string;
  fieldsSent: string[];
  bodySha256: string;
  bodyBytes: number;
}

/** What a call to a non-local endpoint sends, and how its answer comes back. */
export interface EgressPlan {
  /** The request content (prompt, schema, token limit) as it may leave: anonymised for ENHANCED. */
  request: ReturnType<Analyzer['buildRequest']>;
  /** Writes the audit row of each request before it is sent (when auditing is on). */
  beforeSend?: ChatRequest['beforeSend'];
  /** Pseudonyms in the answer → the real values, before the gate and storage. */
  reveal(result: ChatResult): ChatResult;
  /** The building fields the prompt carries and how each left (for the audit). */
  fieldsSent: string[];
}

export interface Egress {
  /** Why this job may not leave for an API at all (`undefined`: it may). Checked before a model is chosen. */
  refusal(data: PipelineJobData): string | undefined;
  /** The plan for one call; `undefined` for a local endpoint (sent as built, nothing recorded). */
  prepare(data: PipelineJobData, choice: ModelChoice, attemptId: string): EgressPlan | undefined;
}

export interface EgressOptions {
  privacy: PrivacyConfig;
  analyzer: Analyzer;
  /** The HMAC key of the pseudonyms; called when first needed (see {@link loadAnonymisationSecret}). */
  secret: () => string;
  /** Stores one audit row; the request waits for it and is not sent when it throws. */
  record: (row: EgressRecord) => Promise<void>;
}

const mapStrings = (value: unknown, map: (text: string) => string): unknown => {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  return value;
};

const urlWithoutQuery = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.split('?')[0];
  }
};

/**
 * The privacy boundary of a tier worker: PRIVATE never leaves; ENHANCED leaves only when
 * `privacy.allowApiForEnhanced`, anonymised (building id, name, notes, site and the
 * metadata columns not listed as plain become keyed pseudonyms, coordinates are rounded;
 * a free-text prompt's e-mail addresses become pseudonyms) and the answer is mapped back;
 * PUBLIC leaves as submitted. Every request to a non-local endpoint is recorded before it
 * is sent unless `privacy.auditApiCalls` is off.
 */
export const createEgress = (options: EgressOptions): Egress => {
  const { privacy, analyzer } = options;
  const policy = () => ({ key: options.secret(), ...privacy.anonymisation });

  const plainPlan = (data: PipelineJobData) => ({
    request: analyzer.buildRequest(data),
    pseudonyms: new Map<string, string>(),
    fieldsSent: data.kind === 'building' ? ['building (as submitted)'] : ['prompt (as submitted)'],
  });

  const anonymisedPlan = (data: PipelineJobData) => {
    // A repair turn (a second chance on the same tier) quotes the earlier answer, whose
    // pseudonyms were already mapped back: it is concealed again like the rest.
    const repair = (data as { repair?: unknown }).repair;
    if (data.kind === 'building' && data.facts) {
      const anonymised = anonymiseFacts(data.facts, policy());
      const shown = { ...data, facts: anonymised.facts, ...(repair === undefined ? {} : { repair: anonymised.conceal(repair) }) } as PipelineJobData;
      return {
        request: analyzer.buildRequest(shown),
        pseudonyms: anonymised.pseudonyms,
        fieldsSent: [...anonymised.fieldsSent, ...(repair === undefined ? [] : ['repair (pseudonyms)'])],
      };
    }
    const { key } = policy();
    const pseudonyms = new Map<string, string>();
    const conceal = (text: string): string => {
      const concealed = anonymiseFreeText(text, key);
      for (const [pseudonym, value] of concealed.pseudonyms) pseudonyms.set(pseudonym, value);
      return concealed.text;
    };
    const shown = { ...data, prompt: conceal(data.prompt ?? ''), ...(repair === undefined ? {} : { repair: mapStrings(repair, conceal) }) } as PipelineJobData;
    return { request: analyzer.buildRequest(shown), pseudonyms, fieldsSent: ['prompt (e-mail addresses as pseudonyms)'] };
  };

  return {
    refusal(data) {
      if (data.privacy === 'PRIVATE') return `refused: PRIVATE job ${data.jobId} never leaves for an API; sent to review without calling any`;
      if (privacy.strategy === 'local') return `refused: LLM_STRATEGY is local, so job ${data.jobId} is not sent to an API; sent to review`;
      if (data.privacy === 'ENHANCED' && !privacy.allowApiForEnhanced)
        return `refused: ALLOW_API_FOR_AGGREGATED is false, so ENHANCED job ${data.jobId} stays local; sent to review`;
      return undefined;
    },
    prepare(data, choice, attemptId) {
      if (choice.endpoint.local) return undefined;
      const plan = data.privacy === 'PUBLIC' ? plainPlan(data) : anonymisedPlan(data);
      const json = plan.request.responseFormat?.type === 'json';
      const beforeSend = privacy.auditApiCalls
        ? (outgoing: OutgoingRequest) =>
            options.record({
              attemptId,
              jobId: data.jobId,
              batchId: data.batchId,
              tenant: data.tenant,
              privacy: data.privacy,
              tier: data.tier,
              provider: choice.endpoint.provider,
              endpoint: choice.endpoint.id,
              model: choice.model,
              method: outgoing.method,
              url: urlWithoutQuery(outgoing.url),
              fieldsSent: plan.fieldsSent,
              bodySha256: outgoing.bodySha256,
              bodyBytes: outgoing.bodyBytes,
            })
        : undefined;
      return {
        request: plan.request,
        beforeSend,
        fieldsSent: plan.fieldsSent,
        reveal: (result) =>
          plan.pseudonyms.size === 0
            ? result
            : { ...result, text: revealText(result.text, plan.pseudonyms, { json }), json: result.json === undefined ? undefined : revealValue(result.json, plan.pseudonyms) },
      };
    },
  };
};

/**
 * The anonymisation key: `EAIO_ANONYMISATION_SECRET` when set; else the file
 * `privacy.anonymisation.secretFile` (relative to `cwd`), created on first use with a random
 * 256-bit key, mode 0600, in a 0700 folder. Two processes starting together agree (the file
 * is created exclusively; the loser reads the winner's). Returns where the key came from, never the key in logs.
 */
export const loadAnonymisationSecret = (anonymisation: PrivacyConfig['anonymisation'], cwd = process.cwd()): { secret: string; source: string; created: boolean } => {
  if (anonymisation.secret !== undefined) return { secret: anonymisation.secret, source: 'env EAIO_ANONYMISATION_SECRET', created: false };
  const path = resolve(cwd, anonymisation.secretFile);
  const read = (): string | undefined => {
    try {
      const text = readFileSync(path, 'utf8').trim();
      return text.length >= 16 ? text : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  const existing = read();
  if (existing !== undefined) return { secret: existing, source: path, created: false };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('hex');
  try {
    writeFileSync(path, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(path, 0o600);
    return { secret, source: path, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = read();
    if (written === undefined) throw new Error(`the anonymisation key file ${path} exists but holds no key (16+ characters)`, { cause: error });
    return { secret: written, source: path, created: false };
  }
};
