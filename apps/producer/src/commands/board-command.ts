import express from 'express';
import { batchStatus, recentBatches } from '@eaio/db';
import { startBoard, type BoardHandle } from '@eaio/board';
import type { Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { Runtime } from '../runtime';
import { createReviewDesk } from '../review-desk';
import { createPipelineMetrics } from '../pipeline-metrics';
import { registerGuardMetrics } from '../guard-metrics';
import { createSpend } from '../compose-workers';

/** JSON API next to Bull Board: batches and their per-tier status. */
export const boardApi = (runtime: Runtime): express.Router => {
  const router = express.Router();
  router.get('/batches', async (_request, response) => {
    response.json(await recentBatches(runtime.database, 50));
  });
  router.get('/batches/:id', async (request, response) => {
    const status = await batchStatus(runtime.database, request.params.id);
    if (!status) {
      response.status(404).json({ error: 'not_found', message: `no batch "${request.params.id}"` });
      return;
    }
    response.json(status);
  });
  return router;
};

/** The board's own metrics when no process-wide registry is given: queue depth, local slot use, budget remaining. */
export const boardMetrics = (runtime: Runtime): Registry => {
  const { guard } = createSpend(runtime, runtime.log);
  const registry = createPipelineMetrics({
    queues: Object.values(runtime.queues) as Queue[],
    config: runtime.config,
    leaser: runtime.leaser,
    budgets: async () => (await guard.budgetRoutingState(new Date())).budgets,
    onCollectError: (error, metric) => runtime.log.warn({ metric, error: error instanceof Error ? error.message : String(error) }, 'metrics: a store did not answer'),
  }).registry;
  // Circuit breakers, 429 pauses and rate-limit windows shared by every worker.
  registerGuardMetrics(
    registry,
    () => runtime.guard.snapshot(),
    (error, metric) => runtime.log.warn({ metric, error: error instanceof Error ? error.message : String(error) }, 'metrics: a store did not answer'),
  );
  return registry;
};

/**
 * Bull Board, the review desk, the batch API and `/metrics` behind the board tokens
 * (`BOARD_TOKEN` under `board.tokenName`, plus `board.reviewerTokens`).
 */
export const runBoard = async (runtime: Runtime, options: { port?: number; host?: string; token?: string; registry?: Registry }): Promise<BoardHandle> => {
  const token = options.token ?? runtime.config.board.token;
  if (!token) throw new Error('BOARD_TOKEN is not set: export BOARD_TOKEN=<a long random string> (see .env.example); the board never runs without it');
  return startBoard({
    queues: Object.values(runtime.queues) as Queue[],
    token: { ...runtime.config.board.reviewerTokens, [runtime.config.board.tokenName]: token },
    adminToken: runtime.config.board.adminToken,
    port: options.port ?? runtime.config.board.port,
    host: options.host,
    registry: options.registry ?? boardMetrics(runtime),
    api: boardApi(runtime),
    review: createReviewDesk(runtime),
  });
};
