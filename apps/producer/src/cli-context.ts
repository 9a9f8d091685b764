import pino from 'pino';
import { ConfigError, createLogger, loadConfig, configSecrets, type ConfigOverrides, type EaioConfig, type Logger } from '@eaio/core';

export interface CliContext {
  config: EaioConfig;
  log: Logger;
  env: NodeJS.ProcessEnv;
}

/** Loads config (YAML + env) and the logger; a config error prints its list and exits 2. */
export const cliContext = (options: { config?: string; overrides?: ConfigOverrides; env?: NodeJS.ProcessEnv } = {}): CliContext => {
  const env = options.env ?? process.env;
  try {
    const config = loadConfig({ env, path: options.config, overrides: options.overrides });
    const log = createLogger({ level: config.logLevel, name: 'eaio', secrets: configSecrets(config), destination: pino.destination(2) });
    return { config, log, env };
  } catch (error) {
    if (ConfigError.isInstance(error)) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }
};

/** Money for people: integer micro-USD → "$0.001234". */
export const usd = (micro: number): string => `$${(micro / 1_000_000).toFixed(micro < 10_000 ? 6 : 4)}`;
