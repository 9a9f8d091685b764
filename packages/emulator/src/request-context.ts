import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from './emulator-state';
import type { HostOptions, RequestLogEntry } from './types';
import type { ResponseMeta } from './wire/wire-format';

/** One request as every handler sees it. */
export interface RequestContext {
  host: HostOptions;
  state: EmulatorState;
  request: IncomingMessage;
  response: ServerResponse;
  /** Aborts when the connection closes before the response ended (client gone, host stopped). */
  signal: AbortSignal;
  /** Settles when the response closes, finished or not. */
  closed: Promise<void>;
  entry: RequestLogEntry;
  meta: ResponseMeta;
  /** Parsed JSON body, `undefined` when empty, the raw text when not JSON. */
  body: unknown;
  bodyIsJson: boolean;
}
