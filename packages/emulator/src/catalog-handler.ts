import { behaviourFor, hostServes, modelsOnHost } from './emulator-state';
import { send, sendJson } from './http-io';
import type { RequestContext } from './request-context';
import type { Route } from './routes';
import { WIRE_FORMATS } from './wire';
import { anthropicModel, anthropicModels, geminiModel, geminiModels, ollamaShow, ollamaTags, openAiModel, openAiModels } from './wire/model-catalog';

/** Version string `GET /api/version` reports. */
export const EMULATED_OLLAMA_VERSION = '0.12.6';

const reply = (context: RequestContext, body: unknown, headers: Record<string, string> = {}): void => {
  context.entry.status = 200;
  sendJson(context.response, 200, body, headers);
};

const notFound = (context: RequestContext, route: Route, model: string): void => {
  const response = WIRE_FORMATS[route.provider].renderError({ kind: 'model-not-found', model }, context.meta);
  context.entry.status = response.status;
  send(context.response, response);
};

/** Listings, model details and version: everything but chat. */
export const handleCatalog = (context: RequestContext, route: Route): void => {
  const { config } = context.state;
  const host = context.host.name;
  const models = modelsOnHost(config, host);
  const contextWindow = (name: string): number => behaviourFor(config, name).contextWindow;

  if (route.operation === 'version') {
    if (context.request.url === '/' || context.request.url === '') {
      context.entry.status = 200;
      send(context.response, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Ollama is running' });
      return;
    }
    reply(context, { version: EMULATED_OLLAMA_VERSION });
    return;
  }
  if (route.operation === 'list-models') {
    if (route.provider === 'ollama') reply(context, ollamaTags(models));
    else if (route.provider === 'anthropic') reply(context, anthropicModels(models), { 'request-id': context.meta.requestId });
    else if (route.provider === 'gemini') reply(context, geminiModels(models, contextWindow));
    else reply(context, openAiModels(models), { 'x-request-id': context.meta.requestId });
    return;
  }

  const body = context.body as Record<string, unknown> | undefined;
  const model = route.pathModel ?? (typeof body?.model === 'string' ? body.model : typeof body?.name === 'string' ? body.name : '');
  context.entry.model = model;
  if (model === '' || !hostServes(config, host, model)) {
    notFound(context, route, model);
    return;
  }
  if (route.provider === 'ollama') reply(context, ollamaShow(model, contextWindow(model)));
  else if (route.provider === 'anthropic') reply(context, anthropicModel(model), { 'request-id': context.meta.requestId });
  else if (route.provider === 'gemini') reply(context, geminiModel(model, contextWindow(model)));
  else reply(context, openAiModel(model), { 'x-request-id': context.meta.requestId });
};
