import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyConfigPatch, resetState, type EmulatorState } from './emulator-state';
import { readBody, sendJson } from './http-io';
import type { EmulatorConfigPatch } from './types';

export const CONTROL_PREFIX = '/__emulator/';

/**
 * `GET log[?since=id]`, `GET stats`, `GET config`, `POST reset`, `POST config` (a JSON
 * {@link EmulatorConfigPatch}; the answer synthesizer cannot be set over HTTP).
 */
export const handleControl = async (state: EmulatorState, request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
  const action = url.pathname.slice(CONTROL_PREFIX.length);
  const method = request.method ?? 'GET';
  if (method === 'GET' && action === 'log') {
    sendJson(response, 200, state.log.list(Number(url.searchParams.get('since') ?? 0) || 0));
    return;
  }
  if (method === 'GET' && action === 'stats') {
    sendJson(response, 200, state.inFlight.stats());
    return;
  }
  if (method === 'GET' && action === 'config') {
    const { answerSynthesizer, ...config } = state.config;
    sendJson(response, 200, { ...config, answerSynthesizer: answerSynthesizer !== undefined });
    return;
  }
  if (method === 'POST' && action === 'reset') {
    await readBody(request);
    resetState(state);
    sendJson(response, 200, { ok: true });
    return;
  }
  if (method === 'POST' && action === 'config') {
    let patch: EmulatorConfigPatch;
    try {
      patch = JSON.parse((await readBody(request)) || '{}') as EmulatorConfigPatch;
    } catch {
      sendJson(response, 400, { error: 'config patch must be JSON' });
      return;
    }
    if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
      sendJson(response, 400, { error: 'config patch must be a JSON object' });
      return;
    }
    delete patch.answerSynthesizer;
    applyConfigPatch(state, patch);
    sendJson(response, 200, { ok: true });
    return;
  }
  sendJson(response, 404, { error: `unknown control action ${method} ${action}` });
};
