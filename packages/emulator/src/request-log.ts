import type { RequestLogEntry } from './types';

/** Log of requests in arrival order, capped at `maxEntries` (oldest dropped). */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextId = 1;

  constructor(private readonly maxEntries: number) {}

  add(entry: Omit<RequestLogEntry, 'id'>): RequestLogEntry {
    const stored: RequestLogEntry = { id: this.nextId++, ...entry };
    this.entries.push(stored);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    return stored;
  }

  /** Deep copies, so callers cannot change the log. */
  list(sinceId = 0): RequestLogEntry[] {
    return structuredClone(this.entries.filter((entry) => entry.id > sinceId));
  }

  clear(): void {
    this.entries = [];
  }
}
