import type { Server } from 'node:http';
import express from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { requireBoardToken } from './board-auth';

export interface BoardOptions {
  /** Queues shown in Bull Board, in display order. */
  queues: Queue[];
  /** Required; without it every route but `/healthz` answers 401. */
  token: string;
  /** @defaultValue 3000 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Prometheus registry served at `/metrics` (behind the token). */
  registry?: Registry;
  /** Extra JSON API: batch status etc., mounted under `/api`. */
  api?: express.Router;
}

export interface BoardHandle {
  url: string;
  close(): Promise<void>;
}

/** Express app: Bull Board at `/admin/queues`, `/api/*`, `/metrics`, `/healthz`. */
export const createBoardApp = (options: BoardOptions) => {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/admin/queues');
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue as never)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'eaio queues' } },
  });
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });
  app.use(requireBoardToken(options.token));
  app.get('/', (_request, response) => response.redirect('/admin/queues'));
  app.use('/admin/queues', serverAdapter.getRouter());
  if (options.api) app.use('/api', options.api);
  if (options.registry) {
    const registry = options.registry;
    app.get('/metrics', async (_request, response) => {
      response.set('Content-Type', registry.contentType).send(await registry.metrics());
    });
  }
  return app;
};

export const startBoard = async (options: BoardOptions): Promise<BoardHandle> => {
  if (!options.token) {
    throw new Error('BOARD_TOKEN is empty: set BOARD_TOKEN in the environment (see .env.example) before starting the board.');
  }
  const app = createBoardApp(options);
  const host = options.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port ?? 3000, host, () => resolve(listening));
    listening.on('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
