import { createAdapter, type AdapterFactory } from './create-adapter';
import { NetworkError, ProviderError } from './errors';
import { servesModel } from './model-names';
import type { ChatRequest, ChatResult, EndpointConfig, HealthResult, ProviderAdapter } from './types';

export interface EndpointPoolOptions {
  /** Endpoints of one provider (or any set the caller wants to spread over). */
  endpoints: readonly EndpointConfig[];
  /** @defaultValue createAdapter */
  adapterFactory?: AdapterFactory;
  /** How long a healthy check is trusted. @defaultValue 30000 */
  healthTtlMs?: number;
  /** How long an unhealthy mark lasts before the endpoint is checked again. @defaultValue 5000 */
  unhealthyTtlMs?: number;
  /** Timeout of one health check. @defaultValue 3000 */
  healthTimeoutMs?: number;
  /** Clock. @defaultValue Date.now */
  now?: () => number;
}

/** What the pool knows about one endpoint. */
export interface EndpointHealth {
  endpointId: string;
  ok: boolean;
  models: string[];
  checkedAt: number;
  latencyMs?: number;
  error?: string;
  /** Chats started through the pool and not yet settled. */
  inFlight: number;
  /** Per-host cap the worker's slot lease enforces (exposed, not enforced here). */
  maxInFlight?: number;
}

/** A chosen endpoint and its adapter. */
export interface PoolSelection {
  endpoint: EndpointConfig;
  adapter: ProviderAdapter;
}

interface Entry {
  endpoint: EndpointConfig;
  adapter: ProviderAdapter;
  health?: HealthResult & { checkedAt: number };
  pending?: Promise<void>;
  inFlight: number;
  /** Sequence number of the last pick (0 = never). */
  lastPick: number;
}

/**
 * Several endpoints serving models: health checks (`/api/tags`, `/v1/models`, …) cached
 * with a TTL, model availability per endpoint, `select(model)` picking a healthy endpoint
 * that lists the model with the fewest chats in flight (ties: the least recently picked), and
 * endpoints marked unhealthy on network errors until `unhealthyTtlMs` passes.
 */
export class EndpointPool {
  private readonly entries: Map<string, Entry>;
  private readonly healthTtlMs: number;
  private readonly unhealthyTtlMs: number;
  private readonly healthTimeoutMs: number;
  private readonly now: () => number;
  private pickCount = 0;

  constructor(options: EndpointPoolOptions) {
    const factory = options.adapterFactory ?? ((endpoint: EndpointConfig) => createAdapter(endpoint));
    this.healthTtlMs = options.healthTtlMs ?? 30_000;
    this.unhealthyTtlMs = options.unhealthyTtlMs ?? 5_000;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
    this.entries = new Map(
      options.endpoints.filter((endpoint) => endpoint.enabled !== false).map((endpoint) => [endpoint.id, { endpoint, adapter: factory(endpoint), inFlight: 0, lastPick: 0 }]),
    );
  }

  /** The adapter of one endpoint. */
  adapter(endpointId: string): ProviderAdapter | undefined {
    return this.entries.get(endpointId)?.adapter;
  }

  /** Checks every endpoint whose cached health expired (all of them with `force`), in parallel. */
  async refresh(options: { force?: boolean } = {}): Promise<EndpointHealth[]> {
    await Promise.all([...this.entries.values()].map((entry) => this.ensureFresh(entry, options.force === true)));
    return this.health();
  }

  /** What the pool knows now, without checking. */
  health(): EndpointHealth[] {
    return [...this.entries.values()].map((entry) => ({
      endpointId: entry.endpoint.id,
      ok: entry.health?.ok ?? false,
      models: entry.health?.models ?? [],
      checkedAt: entry.health?.checkedAt ?? 0,
      latencyMs: entry.health?.latencyMs,
      error: entry.health?.error,
      inFlight: entry.inFlight,
      maxInFlight: entry.endpoint.maxInFlight,
    }));
  }

  /**
   * A healthy endpoint that lists `model`, checking expired health first; `undefined`
   * when none does. Spreads load: fewest in flight, then least recently picked.
   */
  async select(model: string, options: { exclude?: readonly string[] } = {}): Promise<PoolSelection | undefined> {
    const candidates = [...this.entries.values()].filter((entry) => !options.exclude?.includes(entry.endpoint.id));
    await Promise.all(candidates.map((entry) => this.ensureFresh(entry, false)));
    const serving = candidates.filter((entry) => entry.health?.ok === true && servesModel(entry.health.models, model));
    if (serving.length === 0) return undefined;
    const chosen = serving.reduce((best, entry) => (entry.inFlight < best.inFlight || (entry.inFlight === best.inFlight && entry.lastPick < best.lastPick) ? entry : best));
    this.pickCount += 1;
    chosen.lastPick = this.pickCount;
    return { endpoint: chosen.endpoint, adapter: chosen.adapter };
  }

  /** Marks an endpoint unhealthy now (it is checked again after `unhealthyTtlMs`). */
  markUnhealthy(endpointId: string, reason: string): void {
    const entry = this.entries.get(endpointId);
    if (!entry) return;
    entry.health = { ok: false, latencyMs: 0, models: entry.health?.models ?? [], error: reason, checkedAt: this.now() };
  }

  /**
   * Selects an endpoint for `request.model` and runs the chat there, counting it in
   * flight; a network error marks the endpoint unhealthy before it is rethrown.
   * @throws NetworkError (kind `network`) when no healthy endpoint serves the model.
   */
  async chat(request: ChatRequest, options: { exclude?: readonly string[] } = {}): Promise<ChatResult> {
    const selection = await this.select(request.model, options);
    if (!selection) {
      throw new NetworkError({
        provider: [...this.entries.values()][0]?.endpoint.provider ?? 'unknown',
        endpoint: 'pool',
        message: `no healthy endpoint serves ${request.model}`,
      });
    }
    const entry = this.entries.get(selection.endpoint.id) as Entry;
    entry.inFlight += 1;
    try {
      return await selection.adapter.chat(request);
    } catch (error) {
      if (ProviderError.isInstance(error) && error.kind === 'network') this.markUnhealthy(entry.endpoint.id, error.message);
      throw error;
    } finally {
      entry.inFlight -= 1;
    }
  }

  private async ensureFresh(entry: Entry, force: boolean): Promise<void> {
    const health = entry.health;
    const ttl = health?.ok ? this.healthTtlMs : this.unhealthyTtlMs;
    if (!force && health && this.now() - health.checkedAt < ttl) return;
    entry.pending ??= entry.adapter
      .checkHealth({ timeoutMs: this.healthTimeoutMs })
      .then((result) => {
        entry.health = { ...result, checkedAt: this.now() };
      })
      .finally(() => {
        entry.pending = undefined;
      });
    await entry.pending;
  }
}
