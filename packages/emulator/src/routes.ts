import type { IncomingHttpHeaders } from 'node:http';
import type { Operation, WireProvider } from './types';

export interface Route {
  provider: WireProvider;
  operation: Operation;
  /** Model named in the path (Gemini generate, `GET /v1/models/{id}`, …). */
  pathModel?: string;
  /** Gemini `:streamGenerateContent`. */
  streamFromPath?: boolean;
}

const GEMINI_GENERATE = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const GEMINI_MODEL = /^\/v1beta\/models\/([^/:]+)$/;
const V1_MODEL = /^\/v1\/models\/(.+)$/;

/** Which provider endpoint a request hits; `undefined` when none. */
export const matchRoute = (method: string, path: string, headers: IncomingHttpHeaders): Route | undefined => {
  const anthropicFlavoured = headers['anthropic-version'] !== undefined;
  if (method === 'POST') {
    if (path === '/api/chat') return { provider: 'ollama', operation: 'chat' };
    if (path === '/api/show') return { provider: 'ollama', operation: 'show-model' };
    if (path === '/v1/chat/completions') return { provider: 'openai', operation: 'chat' };
    if (path === '/v1/messages') return { provider: 'anthropic', operation: 'chat' };
    const gemini = GEMINI_GENERATE.exec(path);
    if (gemini) {
      return {
        provider: 'gemini',
        operation: 'chat',
        pathModel: decodeURIComponent(gemini[1]),
        streamFromPath: gemini[2] === 'streamGenerateContent',
      };
    }
    return undefined;
  }
  if (method === 'GET' || method === 'HEAD') {
    if (path === '/' || path === '/api/version') return { provider: 'ollama', operation: 'version' };
    if (path === '/api/tags') return { provider: 'ollama', operation: 'list-models' };
    if (path === '/v1/models') return { provider: anthropicFlavoured ? 'anthropic' : 'openai', operation: 'list-models' };
    const v1Model = V1_MODEL.exec(path);
    if (v1Model) {
      return { provider: anthropicFlavoured ? 'anthropic' : 'openai', operation: 'show-model', pathModel: decodeURIComponent(v1Model[1]) };
    }
    if (path === '/v1beta/models') return { provider: 'gemini', operation: 'list-models' };
    const geminiModel = GEMINI_MODEL.exec(path);
    if (geminiModel) return { provider: 'gemini', operation: 'show-model', pathModel: decodeURIComponent(geminiModel[1]) };
  }
  return undefined;
};

/** Provider whose error shape fits an unknown path (by prefix). */
export const providerForPath = (path: string, headers: IncomingHttpHeaders): WireProvider => {
  if (path.startsWith('/v1beta')) return 'gemini';
  if (path.startsWith('/v1')) return headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
  return 'ollama';
};

/** API key a request carries, in any provider's header (or Gemini's `?key=`). */
export const apiKeyOf = (headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined => {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^bearer\s+/i.test(authorization)) return authorization.replace(/^bearer\s+/i, '');
  for (const name of ['x-api-key', 'x-goog-api-key'] as const) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return query.get('key') ?? undefined;
};
