import type { EaioConfig } from './config-types';

export const REDACTED = '[redacted]';

/** Replaces the password of a URL (`postgres://user:secret@host`) with `[redacted]`. */
export const redactUrlPassword = (url: string): string => url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, `$1:${REDACTED}@`);

/**
 * A copy of the config safe to print or log: API keys, the board token, URL
 * passwords and the alert webhook (whose path is often a credential) are replaced.
 */
export const redactConfig = (config: EaioConfig): EaioConfig => {
  const copy = structuredClone(config);
  for (const endpoint of copy.endpoints) {
    if (endpoint.apiKey !== undefined) endpoint.apiKey = REDACTED;
    if (endpoint.headers !== undefined) {
      endpoint.headers = Object.fromEntries(Object.keys(endpoint.headers).map((name) => [name, REDACTED]));
    }
    endpoint.baseUrl = redactUrlPassword(endpoint.baseUrl);
  }
  if (copy.board.token !== undefined) copy.board.token = REDACTED;
  if (copy.board.adminToken !== undefined) copy.board.adminToken = REDACTED;
  copy.tenants.tokens = Object.fromEntries(Object.keys(copy.tenants.tokens).map((name) => [name, REDACTED]));
  copy.board.reviewerTokens = Object.fromEntries(Object.keys(copy.board.reviewerTokens).map((name) => [name, REDACTED]));
  if (copy.budgets.alertWebhookUrl !== undefined) {
    const url = new URL(copy.budgets.alertWebhookUrl);
    copy.budgets.alertWebhookUrl = `${url.protocol}//${url.host}/${REDACTED}`;
  }
  if (copy.privacy.anonymisation.secret !== undefined) copy.privacy.anonymisation.secret = REDACTED;
  if (copy.connections.databaseUrl !== undefined) copy.connections.databaseUrl = redactUrlPassword(copy.connections.databaseUrl);
  if (copy.connections.redisUrl !== undefined) copy.connections.redisUrl = redactUrlPassword(copy.connections.redisUrl);
  return copy;
};

/** Every secret value in the config, for a logger's value scrubbing (`createLogger({ secrets })`). */
export const configSecrets = (config: EaioConfig): string[] => {
  const secrets = [
    ...config.endpoints.flatMap((endpoint) => [endpoint.apiKey, ...Object.values(endpoint.headers ?? {})]),
    config.board.token,
    ...Object.values(config.board.reviewerTokens),
    config.board.adminToken,
    ...Object.values(config.tenants.tokens),
    config.budgets.alertWebhookUrl,
    config.privacy.anonymisation.secret,
    ...[config.connections.databaseUrl, config.connections.redisUrl].map((url) => (url === undefined ? undefined : /:\/\/[^:/?#@]*:([^@/?#]+)@/.exec(url)?.[1])),
  ];
  return [...new Set(secrets.filter((secret): secret is string => secret !== undefined && secret.length >= 6))];
};
