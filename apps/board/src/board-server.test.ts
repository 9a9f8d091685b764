import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry, Counter } from 'prom-client';
import { createQueueStore } from '@eaio/queues';
import type { Queue } from 'bullmq';
import { startBoard, type BoardHandle } from './board-server';

describe('board', () => {
  const store = createQueueStore({ kind: 'redis', url: 'redis://127.0.0.1:6379', prefix: `eaio-test-${randomUUID()}` });
  let queues: Queue[];
  let board: BoardHandle;
  const token = 'test-board-token';

  beforeAll(async () => {
    queues = ['local-fast', 'local-quality', 'api', 'review'].map((name) => store.createQueue(name));
    await queues[0].add('job', { hello: 'world' }, { jobId: 'visible-job' });
    const registry = new Registry();
    new Counter({ name: 'eaio_test_total', help: 'test counter', registers: [registry] }).inc();
    board = await startBoard({ queues, token, port: 0, registry });
  });

  afterAll(async () => {
    await board.close();
    for (const queue of queues) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('answers 401 without the token, everywhere but /healthz', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/metrics', '/']) {
      const response = await fetch(`${board.url}${path}`, { redirect: 'manual' });
      expect(response.status, path).toBe(401);
    }
    const wrong = await fetch(`${board.url}/admin/queues`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${board.url}/healthz`)).status).toBe(200);
  });

  it('serves Bull Board and its API for all queues with the token', async () => {
    const headers = { authorization: `Bearer ${token}` };
    const page = await fetch(`${board.url}/admin/queues`, { headers });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const api = await fetch(`${board.url}/admin/queues/api/queues?activeQueue=local-fast&status=waiting&page=1`, { headers });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['api', 'local-fast', 'local-quality', 'review']);
    expect(body.queues.find((q) => q.name === 'local-fast')?.counts.waiting).toBe(1);
  });

  it('keeps the token in a cookie after ?token= so the UI can call its API', async () => {
    const first = await fetch(`${board.url}/admin/queues?token=${token}`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')?.split(';')[0];
    expect(cookie).toBeTruthy();
    const second = await fetch(`${board.url}/metrics`, { headers: { cookie: cookie! } });
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('eaio_test_total 1');
  });
});
