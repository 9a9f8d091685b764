/**
 * Runs the emulator standalone:
 *   tsx packages/emulator/src/cli.ts --port 11434 --seed 1
 *   tsx packages/emulator/src/cli.ts --host ollama-1:11434 --host ollama-2:11435 --preset local3b --time-scale 0.1
 *   tsx packages/emulator/src/cli.ts --port 11434 --catalogue   # only the models of MODEL_CATALOGUE
 * Analysis answers come from `@eaio/energy`'s `synthesizeAnswer` when that package provides it.
 */
import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { startEmulator } from './emulator';
import { catalogueModels } from './model-catalogue';
import { PRESETS, withBehaviour } from './presets';
import type { AnswerSynthesizer, EmulatorConfigPatch, HostOptions, ModelBehaviour } from './types';

const number = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError('not a number');
  return parsed;
};

const hostOption = (value: string, previous: HostOptions[]): HostOptions[] => {
  const [name, port] = value.split(':');
  if (!name || (port !== undefined && !/^\d+$/.test(port))) throw new InvalidArgumentError('expected name or name:port');
  return [...previous, { name, port: port === undefined ? 0 : Number(port) }];
};

/** `synthesizeAnswer` from `@eaio/energy` when installed; the emulator never needs it. */
const loadSynthesizer = async (): Promise<AnswerSynthesizer | undefined> => {
  const moduleName = '@eaio/energy';
  try {
    const energy = (await import(moduleName)) as { synthesizeAnswer?: AnswerSynthesizer };
    return typeof energy.synthesizeAnswer === 'function' ? energy.synthesizeAnswer : undefined;
  } catch {
    return undefined;
  }
};

const main = async (): Promise<void> => {
  const program = new Command()
    .name('eaio-emulator')
    .description('Wire-level emulator of Ollama, OpenAI, Anthropic and Gemini APIs')
    .option('--port <port>', 'port of the single host (ignored with --host)', number, 11434)
    .option('--host <name:port>', 'an emulated host; repeat for several', hostOption, [] as HostOptions[])
    .option('--seed <seed>', 'random seed', number, 1)
    .option('--time-scale <factor>', 'multiplies every wait (0 = instant)', number, 1)
    .option('--preset <name>', `behaviour of every model (${Object.keys(PRESETS).join(', ')})`, 'local3b')
    .option('--config <file>', 'JSON or YAML config patch (models, availableModels, defaultModel)')
    .option('--require-api-key [key]', 'API endpoints demand a key (any, or exactly this one)')
    .option('--no-synthesizer', 'answer generically even when @eaio/energy is available')
    .option('--catalogue', 'list and serve only the built-in model catalogue (the models config/eaio.yaml ships with)')
    .parse();
  const options = program.opts<{
    port: number;
    host: HostOptions[];
    seed: number;
    timeScale: number;
    preset: string;
    config?: string;
    requireApiKey?: boolean | string;
    synthesizer: boolean;
    catalogue?: boolean;
  }>();
  const preset = (PRESETS as Record<string, ModelBehaviour>)[options.preset];
  if (!preset) throw new Error(`unknown preset ${options.preset}; known: ${Object.keys(PRESETS).join(', ')}`);
  const hosts = (options.host.length > 0 ? options.host : [{ name: 'emulator', port: options.port }]).map((host) => ({
    ...host,
    requireApiKey: options.requireApiKey,
  }));
  const emulator = await startEmulator({
    hosts,
    seed: options.seed,
    timeScale: options.timeScale,
    defaultModel: preset,
    models: options.catalogue ? catalogueModels() : undefined,
    availableModels: options.catalogue ? Object.fromEntries(hosts.map((host) => [host.name, Object.keys(catalogueModels())])) : undefined,
    answerSynthesizer: options.synthesizer ? await loadSynthesizer() : undefined,
  });
  if (options.config) {
    const text = await readFile(options.config, 'utf8');
    const patch = (options.config.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as EmulatorConfigPatch;
    emulator.configure({ ...patch, defaultModel: patch.defaultModel ? withBehaviour(preset, patch.defaultModel) : undefined });
  }
  for (const host of emulator.hosts) process.stdout.write(`emulator host ${host.name} listening on ${host.url}\n`);
  const shutdown = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
