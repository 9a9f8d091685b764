import type { Server } from 'node:http';
import express from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Registry } from 'prom-client';
import { boardWriteGuard, requireBoardToken, type BoardTokens } from './board-auth';
import { createReviewRouters, type ReviewDeskPort } from './review-routes';

export interface BoardOptions {
  /** Queues shown in Bull Board, in display order. */
  queues: Queue[];
  /** Required; without it every route but `/healthz` answers 401. A map names each token (review decisions record the name). */
  token: BoardTokens;
  /**
   * Opens Bull Board's changes of job data (add, edit-data, clean, obliterate, …); every other
   * token reads, retries and promotes only. It opens the board like the others.
   * @defaultValue undefined (nobody may change job data through the board)
   */
  adminToken?: string;
  /** @defaultValue 3000 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** Prometheus registry served at `/metrics` (behind the token). */
  registry?: Registry;
  /** Extra JSON API: batch status etc., mounted under `/api`. */
  api?: express.Router;
  /** The review desk: its page at `/review` (linked from Bull Board) and JSON at `/api/review`. */
  review?: ReviewDeskPort;
}

export interface BoardHandle {
  url: string;
  close(): Promise<void>;
}

/** Express app: Bull Board at `/admin/queues`, the review desk at `/review`, `/api/*`, `/metrics`, `/healthz`. */
export const createBoardApp = (options: BoardOptions) => {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath('/admin/queues');
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue as never)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'eaio queues', ...(options.review ? { miscLinks: [{ text: 'Review desk', url: '/review' }] } : {}) } },
  });
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_request, response) => {
    response.json({ ok: true });
  });
  const tokens = typeof options.token === 'string' ? { board: options.token } : options.token;
  app.use(requireBoardToken(options.adminToken ? { ...tokens, admin: options.adminToken } : tokens));
  app.get('/', (_request, response) => response.redirect('/admin/queues'));
  app.use('/admin/queues', boardWriteGuard(options.adminToken), serverAdapter.getRouter());
  if (options.review) {
    const review = createReviewRouters(options.review);
    app.use('/review', review.page);
    app.use('/api/review', review.api);
  }
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
  if (!options.token || (typeof options.token !== 'string' && Object.keys(options.token).length === 0)) {
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
