import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@eaio/core';
import { buildPrompt, synthesizeAnswer } from '@eaio/energy';
import type { ChatResult } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
// Hand-written facts of one healthy building (the energy package's own test fixture).
import { healthyFacts } from '../../../packages/energy/src/prompts/fixture-facts';
import { createAnalyzer } from './analyzer';

const SHIPPED = resolve(import.meta.dirname, '../../../config/eaio.yaml');
/** Shipped quality settings: 0.7 by default, 0.75 for retrofit-plan. */
const analyzer = createAnalyzer(loadConfig({ path: SHIPPED, env: {} }));

/** mulberry32: the same seed gives the same synthesized answer. */
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
};

const result = (text: string, unified: ChatResult['finishReason']['unified'] = 'stop'): ChatResult => ({
  text,
  usage: {},
  finishReason: { unified, raw: unified },
  latencyMs: 1,
  provider: 'fake',
  model: 'fake',
  endpoint: 'fake',
});

const building = (over: Partial<PipelineJobData> = {}): PipelineJobData => ({
  jobId: 'job-b7',
  batchId: 'batch-1',
  tenant: 'acme',
  kind: 'building',
  privacy: 'PRIVATE',
  taskType: 'building-diagnostic',
  analysisType: 'building-diagnostic',
  facts: healthyFacts(),
  chain: ['local-fast', 'local-quality'],
  tier: 'local-fast',
  complexity: 0.4,
  routeReason: 'test',
  history: [],
  ...over,
});

const promptJob = (over: Partial<PipelineJobData> = {}): PipelineJobData => ({
  ...building(),
  kind: 'prompt',
  taskType: 'extraction',
  analysisType: undefined,
  facts: undefined,
  prompt: 'List the meters as JSON',
  ...over,
});

const repair = { kind: 'gate' as const, tier: 'local-fast' as const, of: 'job-b7.local-fast#1', answer: '{"summary":"first try"}', prompt: 'The EUI you gave is not in the data.' };

describe('analyzer: the request', () => {
  it('a building job gets the versioned analysis prompt, JSON mode with its schema, and the prompt token limit', () => {
    const expected = buildPrompt('building-diagnostic', healthyFacts());
    expect(analyzer.buildRequest(building())).toEqual({
      system: expected.system,
      messages: [{ role: 'user', content: expected.user }],
      maxTokens: expected.maxTokens,
      temperature: 0.2,
      responseFormat: { type: 'json', schema: expected.jsonSchema, name: 'analysis' },
    });
  });

  it('a repair on the current tier adds the previous answer and what was wrong; one meant for another tier adds nothing', () => {
    const here = analyzer.buildRequest(building({ repair }));
    expect(here.messages.slice(1)).toEqual([
      { role: 'assistant', content: repair.answer },
      { role: 'user', content: repair.prompt },
    ]);
    expect(analyzer.buildRequest(building({ tier: 'local-quality', repair })).messages).toHaveLength(1);
    expect(analyzer.buildRequest(promptJob({ repair })).messages).toHaveLength(3);
  });

  it('a prompt job sends its prompt as given, in JSON mode only when it asks for JSON', () => {
    expect(analyzer.buildRequest(promptJob({ wantsJson: true }))).toEqual({
      messages: [{ role: 'user', content: 'List the meters as JSON' }],
      temperature: 0.2,
      responseFormat: { type: 'json' },
    });
    expect(analyzer.buildRequest(promptJob({ wantsJson: false })).responseFormat).toEqual({ type: 'text' });
  });

  it('a building job without facts is an error, not an empty prompt', () => {
    expect(() => analyzer.buildRequest(building({ facts: undefined }))).toThrow('building job job-b7 carries no facts or analysis type');
  });
});

describe('analyzer: the gate', () => {
  const answerTo = (data: PipelineJobData, behaviour: 'grounded' | 'hallucination' | 'invalid-json', seed: number) => {
    const request = analyzer.buildRequest(data);
    const text = synthesizeAnswer(`${request.system}\n${request.messages[0].content}`, behaviour, seeded(seed));
    if (!text) throw new Error('not one of our prompts');
    return result(text.text);
  };

  it('a grounded answer to a building job passes the grounded gate at the default threshold, every check explained', () => {
    const data = building();
    const verdict = analyzer.evaluate(data, answerTo(data, 'grounded', 1));
    expect(verdict).toMatchObject({ pass: true, threshold: 0.7 });
    expect(verdict.score).toBeGreaterThanOrEqual(0.7);
    expect(Object.keys(verdict.checks)).toEqual(expect.arrayContaining(['schema', 'claims', 'repairs']));
  });

  it("the threshold is the task type's own (retrofit-plan 0.75)", () => {
    const data = building({ taskType: 'retrofit-plan', analysisType: 'retrofit-plan' });
    expect(analyzer.evaluate(data, answerTo(data, 'grounded', 1)).threshold).toBe(0.75);
  });

  it('an answer that is not JSON, or invents figures, fails the building gate', () => {
    const data = building();
    expect(analyzer.evaluate(data, answerTo(data, 'invalid-json', 2)).pass).toBe(false);
    const invented = [1, 2, 3, 4, 5].map((seed) => analyzer.evaluate(data, answerTo(data, 'hallucination', seed)));
    expect(invented.every((verdict) => !verdict.pass)).toBe(true);
  });

  it('a prompt job gets the generic gate: JSON checked only when asked for, cut-off answers fail', () => {
    expect(analyzer.evaluate(promptJob({ wantsJson: true }), result('{"meters":["electricity","gas"]}'))).toMatchObject({ pass: true, threshold: 0.7 });
    expect(analyzer.evaluate(promptJob({ wantsJson: true }), result('electricity and gas')).pass).toBe(false);
    expect(analyzer.evaluate(promptJob({ wantsJson: false }), result('electricity and gas')).pass).toBe(true);
    expect(analyzer.evaluate(promptJob({ wantsJson: false }), result('electricity and', 'length')).pass).toBe(false);
  });

  it('QUALITY_THRESHOLD moves the generic threshold too', () => {
    const strict = createAnalyzer(loadConfig({ path: SHIPPED, env: { QUALITY_THRESHOLD: '0.9' } }));
    expect(strict.evaluate(promptJob(), result('electricity and gas')).threshold).toBe(0.9);
  });
});
