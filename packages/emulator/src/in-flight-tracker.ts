import type { EmulatorStats, InFlightSample } from './types';

const increment = (record: Record<string, number>, key: string, by = 1): number => {
  record[key] = (record[key] ?? 0) + by;
  return record[key];
};

/**
 * Counts generation requests in flight per host and per host+model, their maxima and a
 * timeline of every change. `begin` returns an idempotent `end`, so a request can end from
 * whichever of finish, error or socket close comes first.
 */
export class InFlightTracker {
  private inFlightByHost: Record<string, number> = {};
  private inFlightByHostModel: Record<string, number> = {};
  private maxInFlightByHost: Record<string, number> = {};
  private maxInFlightByHostModel: Record<string, number> = {};
  private requestsByHost: Record<string, number> = {};
  private chatRequestsByHost: Record<string, number> = {};
  private timeline: InFlightSample[] = [];

  constructor(
    private readonly maxSamples: number,
    private readonly now: () => number = Date.now,
  ) {}

  countRequest(host: string): void {
    increment(this.requestsByHost, host);
  }

  begin(host: string, model: string): () => void {
    const key = `${host}/${model}`;
    increment(this.chatRequestsByHost, host);
    this.change(host, model, key, 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.change(host, model, key, -1);
    };
  }

  private change(host: string, model: string, key: string, by: number): void {
    const inFlight = increment(this.inFlightByHost, host, by);
    const modelInFlight = increment(this.inFlightByHostModel, key, by);
    this.maxInFlightByHost[host] = Math.max(this.maxInFlightByHost[host] ?? 0, inFlight);
    this.maxInFlightByHostModel[key] = Math.max(this.maxInFlightByHostModel[key] ?? 0, modelInFlight);
    this.timeline.push({ t: this.now(), host, model, inFlight, modelInFlight });
    if (this.timeline.length > this.maxSamples) this.timeline.splice(0, this.timeline.length - this.maxSamples);
  }

  stats(): EmulatorStats {
    return structuredClone({
      maxInFlightByHost: this.maxInFlightByHost,
      maxInFlightByHostModel: this.maxInFlightByHostModel,
      inFlightByHost: this.inFlightByHost,
      requestsByHost: this.requestsByHost,
      chatRequestsByHost: this.chatRequestsByHost,
      timeline: this.timeline,
    });
  }

  /** Forgets maxima, counts and timeline; requests still in flight stay counted. */
  reset(): void {
    this.maxInFlightByHost = { ...this.inFlightByHost };
    this.maxInFlightByHostModel = { ...this.inFlightByHostModel };
    this.requestsByHost = {};
    this.chatRequestsByHost = {};
    this.timeline = [];
  }
}
