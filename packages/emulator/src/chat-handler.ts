import { makeAnswer, promptTextOf, REFUSAL_TEXT } from './answer';
import { behaviourFor, hostServes } from './emulator-state';
import { send, sleep, write, isWritable } from './http-io';
import { drawPlan } from './plan';
import { usePromptCache } from './prompt-cache';
import { canonicalJson, createRandom, hashText } from './random';
import type { RequestContext } from './request-context';
import { tokenCounter } from './tokens';
import type { ModelBehaviour } from './types';
import { OLLAMA_DEFAULT_NUM_CTX, type Finish, type Generation, type NormalizedChat, type WireFormat } from './wire';

/** Shortest real gap between two streamed chunks; faster models send more tokens per chunk. */
const MIN_CHUNK_INTERVAL_MS = 15;

const fail = (context: RequestContext, wire: WireFormat, details: Parameters<WireFormat['renderError']>[0]): void => {
  const response = wire.renderError(details, context.meta);
  context.entry.status = response.status;
  send(context.response, response);
};

const generationMs = (behaviour: ModelBehaviour, outputTokens: number): number =>
  behaviour.tokensPerSecond > 0 && Number.isFinite(behaviour.tokensPerSecond) ? (outputTokens / behaviour.tokensPerSecond) * 1000 : 0;

/** Handles a chat request in any wire format: validation, faults, answer, pacing, usage. */
export const handleChat = async (context: RequestContext, wire: WireFormat, pathModel?: string, streamFromPath?: boolean): Promise<void> => {
  const { state, entry, host } = context;
  const config = state.config;
  if (!context.bodyIsJson || context.body === null || typeof context.body !== 'object' || Array.isArray(context.body)) {
    fail(context, wire, { kind: 'bad-request', message: 'request body must be a JSON object' });
    return;
  }
  const body = context.body as Record<string, unknown>;
  const parsed = wire.parseChat(body, pathModel, streamFromPath);
  if (typeof parsed === 'string') {
    entry.model = typeof body.model === 'string' ? body.model : (pathModel ?? '');
    fail(context, wire, { kind: 'bad-request', message: parsed });
    return;
  }
  const chat: NormalizedChat = parsed;
  entry.model = chat.model;
  entry.stream = chat.stream;
  if (!hostServes(config, host.name, chat.model)) {
    fail(context, wire, { kind: 'model-not-found', model: chat.model });
    return;
  }

  const modelBehaviour = behaviourFor(config, chat.model);
  const templateId = modelBehaviour.answersByTemplate ? /\[eaio-template ([\w-]+)@\d+\]/.exec(promptTextOf(chat))?.[1] : undefined;
  const templateAnswers = templateId ? modelBehaviour.answersByTemplate?.[templateId] : undefined;
  const behaviour = templateAnswers ? { ...modelBehaviour, answers: { ...modelBehaviour.answers, ...templateAnswers } } : modelBehaviour;
  const bodyHash = hashText(`${pathModel ?? ''}\u0000${canonicalJson(body)}`);
  const repeatKey = `${chat.model}\u0000${bodyHash}`;
  const repeat = state.seenBodies.get(repeatKey) ?? 0;
  state.seenBodies.set(repeatKey, repeat + 1);
  entry.repeat = repeat;
  const random = createRandom(config.seed, chat.model, bodyHash, repeat);
  const endInFlight = state.inFlight.begin(host.name, chat.model);
  void context.closed.then(endInFlight);

  const plan = drawPlan(behaviour, random);
  const scale = Math.max(0, config.timeScale);
  const tokens = tokenCounter(behaviour.tokenCounting);
  // Strict counting modes bill the schema of a JSON answer as prompt, as the providers do.
  const promptTokens = tokens.count(promptTextOf(chat)) + (tokens.countsSchema && chat.schema ? tokens.count(JSON.stringify(chat.schema)) : 0);
  let inputTokens = promptTokens;
  if (wire.provider === 'ollama') {
    const numCtx = Math.min(chat.numCtx ?? OLLAMA_DEFAULT_NUM_CTX, behaviour.contextWindow);
    if (promptTokens > numCtx) {
      inputTokens = numCtx;
      entry.injected.push('context-truncated');
    }
  }

  if (!(await sleep(behaviour.networkLatencyMs * scale, context.signal))) return;

  if (wire.provider !== 'ollama' && promptTokens > behaviour.contextWindow) {
    fail(context, wire, { kind: 'context-length', model: chat.model, promptTokens, contextWindow: behaviour.contextWindow });
    return;
  }
  if (plan.fault === 'rate-limit' || plan.fault === 'server-error' || plan.fault === 'unavailable') {
    entry.injected.push(plan.fault);
    fail(context, wire, { kind: plan.fault, model: chat.model, retryAfterSeconds: behaviour.retryAfterSeconds });
    return;
  }
  if (plan.fault === 'unauthorized') {
    entry.injected.push('unauthorized');
    fail(context, wire, { kind: 'auth' });
    return;
  }
  if (plan.fault === 'hang') {
    entry.injected.push('hang');
    await context.closed;
    return;
  }
  if (plan.fault === 'malformed') {
    entry.injected.push('malformed');
    if (!(await sleep(behaviour.ttftMs * scale, context.signal))) return;
    entry.status = 200;
    if (chat.stream) {
      const writer = wire.streamWriter(chat, context.meta);
      context.response.writeHead(200, { 'content-type': writer.contentType, ...wire.chatHeaders(context.meta) });
      write(context.response, writer.malformed());
      context.response.end();
    } else {
      send(context.response, { status: 200, headers: { 'content-type': 'application/json', ...wire.chatHeaders(context.meta) }, body: wire.malformedBody(chat, context.meta) });
    }
    return;
  }

  let text: string;
  let finish: Finish = 'stop';
  if (plan.fault === 'refusal') {
    entry.injected.push('refusal');
    text = wire.provider === 'gemini' ? '' : REFUSAL_TEXT;
    finish = 'refusal';
    entry.answerLabel = 'refusal';
  } else {
    const answer = makeAnswer(chat, plan.answer, random, config.answerSynthesizer);
    text = answer.text;
    entry.answerLabel = answer.label;
    if (plan.answer !== 'grounded') entry.injected.push(`answer:${plan.answer}`);
  }
  if (plan.fault === 'truncated') {
    entry.injected.push('truncated');
    text = tokens.take(text, Math.max(1, Math.floor(tokens.count(text) * plan.truncateAt)));
    finish = 'length';
  }
  if (chat.maxTokens !== undefined && tokens.count(text) > chat.maxTokens) {
    text = tokens.take(text, chat.maxTokens);
    finish = 'length';
  }

  const outputTokens = tokens.count(text);
  const systemTokens = tokens.count(chat.system);
  const cache = usePromptCache(state, wire.provider, host.name, chat.model, chat.system, systemTokens, chat.cacheControl);
  const generation: Generation = {
    text,
    finish,
    inputTokens,
    outputTokens,
    ...cache,
    reasoningTokens: Math.round(outputTokens * (behaviour.reasoningTokensPerOutputToken ?? 0)),
    ttftMs: behaviour.ttftMs,
    generationMs: generationMs(behaviour, outputTokens),
  };
  entry.usage = {
    inputTokens,
    outputTokens,
    cachedInputTokens: cache.cachedInputTokens,
    cacheWriteTokens: cache.cacheWriteTokens,
    reasoningTokens: generation.reasoningTokens,
  };

  if (!chat.stream) {
    if (!(await sleep((generation.ttftMs + generation.generationMs) * scale, context.signal))) return;
    entry.status = 200;
    send(context.response, {
      status: 200,
      headers: { 'content-type': 'application/json', ...wire.chatHeaders(context.meta, generation) },
      body: JSON.stringify(wire.renderChat(chat, generation, context.meta)),
    });
    return;
  }

  const writer = wire.streamWriter(chat, context.meta);
  entry.status = 200;
  context.response.writeHead(200, {
    'content-type': writer.contentType,
    'cache-control': 'no-cache',
    ...wire.chatHeaders(context.meta, generation),
  });
  context.response.flushHeaders();
  for (const chunk of writer.start(generation)) write(context.response, chunk);
  if (!(await sleep(generation.ttftMs * scale, context.signal))) return;

  const tokenIntervalMs = behaviour.tokensPerSecond > 0 ? (1000 / behaviour.tokensPerSecond) * scale : 0;
  const atLeastFourPieces = Math.ceil(outputTokens / 4);
  const tokensPerPiece = Math.max(1, tokenIntervalMs > 0 ? Math.min(Math.ceil(MIN_CHUNK_INTERVAL_MS / tokenIntervalMs), atLeastFourPieces) : Math.ceil(outputTokens / 8));
  const pieces = text === '' ? [] : tokens.split(text, tokensPerPiece);
  const startedAt = Date.now();
  for (const [index, piece] of pieces.entries()) {
    const due = startedAt + (index + 1) * tokensPerPiece * tokenIntervalMs;
    if (!(await sleep(due - Date.now(), context.signal))) return;
    write(context.response, writer.delta(piece, index));
  }
  for (const chunk of writer.end(generation)) write(context.response, chunk);
  if (isWritable(context.response)) context.response.end();
};
