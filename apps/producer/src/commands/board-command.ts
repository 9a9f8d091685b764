import express from 'express';
import { batchStatus, recentBatches } from '@eaio/db';
import { startBoard, type BoardHandle } from '@eaio/board';
import type { Registry } from 'prom-client';
import type { Queue } from 'bullmq';
import type { Runtime } from '../runtime';

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

export const runBoard = async (runtime: Runtime, options: { port?: number; host?: string; token?: string; registry?: Registry }): Promise<BoardHandle> => {
  const token = options.token ?? runtime.config.board.token;
  if (!token) throw new Error('BOARD_TOKEN is not set: export BOARD_TOKEN=<a long random string> (see .env.example); the board never runs without it');
  return startBoard({
    queues: Object.values(runtime.queues) as Queue[],
    token,
    port: options.port ?? runtime.config.board.port,
    host: options.host,
    registry: options.registry,
    api: boardApi(runtime),
  });
};
