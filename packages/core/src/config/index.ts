export * from './config-types';
export * from './config-error';
export { fileConfigSchema, type FileConfig } from './config-schema';
export { ENV_VARIABLES, type EnvVariable } from './env-variables';
export { loadConfig, DEFAULT_CONFIG_PATH, type LoadConfigOptions, type ConfigOverrides } from './load-config';
export { availableTiers, matchEndpoints } from './resolve-config';
export * from './privacy-config';
export * from './tenant-config';
export { redactConfig, configSecrets, redactUrlPassword, REDACTED } from './redact-config';
