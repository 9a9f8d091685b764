import type { EndpointConfig } from './types';

/** Whether the endpoint accepts a request parameter (see `EndpointConfig.unsupportedParams`). */
export const supportsParam = (endpoint: EndpointConfig, param: string): boolean => {
  const unsupported = endpoint.unsupportedParams ?? [];
  // `response_format` off also turns off its sub-modes
  return !unsupported.some((entry) => entry === param || param.startsWith(`${entry}.`));
};

/** Instruction appended to the system prompt when JSON can only be asked for in words. */
export const jsonInstruction = (schema: Record<string, unknown> | undefined): string =>
  schema
    ? `Respond with a single JSON object only, no prose and no code fence, matching this JSON schema:\n${JSON.stringify(schema)}`
    : 'Respond with a single JSON object only, no prose and no code fence.';

/** `system` with the JSON instruction appended. */
export const withJsonInstruction = (system: string | undefined, schema: Record<string, unknown> | undefined): string =>
  system ? `${system}\n\n${jsonInstruction(schema)}` : jsonInstruction(schema);
