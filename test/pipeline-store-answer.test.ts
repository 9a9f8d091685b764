import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, insertJobs, migrate, upsertBatch, type Database } from '@eaio/db';
import { createPostgresPipelineStore } from '@eaio/workers';
import type { ChatResult } from '@eaio/providers';
import type { PipelineJobData } from '@eaio/queues';
import { freshDatabase } from './support/fresh-database';

/**
 * The kept answer is stored as JSON whenever the gate could read it: a sentence or a code
 * fence around the object (which the gate's `parseAnswerText` accepts) used to store null.
 */
describe('results.answer for answers the gate read forgivingly', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let database: Database;
  const answer = { summary: 'Night use is high.', findings: [{ metric: 'baseloadKw', value: 16.6 }] };
  const texts: Record<string, string> = {
    fenced: `\`\`\`json\n${JSON.stringify(answer, null, 2)}\n\`\`\``,
    sentences: `Here is the analysis you asked for:\n${JSON.stringify(answer)}\nLet me know if you need more.`,
    'sentence and fence': `Sure. Below is the JSON.\n\n\`\`\`json\n${JSON.stringify(answer)}\n\`\`\`\n\nThe baseload stands out.`,
    'trailing comma': `{"summary": "Night use is high.", "findings": [{"metric": "baseloadKw", "value": 16.6},],}`,
  };

  beforeAll(async () => {
    fresh = await freshDatabase('store_answer');
    database = createDb(fresh.url);
    await migrate(database);
    await upsertBatch(database, { id: 'b_answers', tenant: 't', name: 'answers', source: {} });
    await insertJobs(
      database,
      Object.keys(texts).map((name, index) => ({
        id: `j_${index}`,
        batchId: 'b_answers',
        tenant: 't',
        kind: 'building' as const,
        buildingId: `B${index}`,
        taskType: 'building-diagnostic',
        privacy: 'PRIVATE',
        complexity: 0.3,
        startTier: 'local-fast',
        chain: ['local-fast'],
        routeReason: name,
        payload: {},
      })),
    );
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it.each(Object.keys(texts).map((name, index) => [name, index] as const))('%s', async (name, index) => {
    const store = createPostgresPipelineStore(database);
    const data = { jobId: `j_${index}`, batchId: 'b_answers', tier: 'local-fast', simulated: true } as PipelineJobData;
    const result = { text: texts[name], provider: 'ollama', model: 'm', json: undefined } as unknown as ChatResult;
    await store.complete(data, `j_${index}.local-fast#1`, result, { score: 0.9, pass: true, threshold: 0.7, checks: {} });
    const { rows } = await database.pool.query('SELECT answer, text FROM results WHERE job_id = $1', [`j_${index}`]);
    expect(rows[0].text).toBe(texts[name]);
    expect(rows[0].answer).toEqual(answer);
  });

  it('stores null for a plain-text answer with no JSON object', async () => {
    await insertJobs(database, [
      {
        id: 'j_text',
        batchId: 'b_answers',
        tenant: 't',
        kind: 'prompt',
        taskType: 'summarization',
        privacy: 'PRIVATE',
        complexity: 0.1,
        startTier: 'local-fast',
        chain: ['local-fast'],
        routeReason: 'text',
        payload: {},
      },
    ]);
    const store = createPostgresPipelineStore(database);
    await store.complete(
      { jobId: 'j_text', batchId: 'b_answers', tier: 'local-fast' } as PipelineJobData,
      'j_text.local-fast#1',
      { text: 'The building uses most at night.', provider: 'ollama', model: 'm' } as unknown as ChatResult,
      { score: 1, pass: true, threshold: 0.7, checks: {} },
    );
    const { rows } = await database.pool.query('SELECT answer FROM results WHERE job_id = $1', ['j_text']);
    expect(rows[0].answer).toBeNull();
  });
});
