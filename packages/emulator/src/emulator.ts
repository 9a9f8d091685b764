import { applyConfigPatch, createEmulatorState, resetState } from './emulator-state';
import { createHostServer, type HostServer } from './host-server';
import type { EmulatedHost, Emulator, EmulatorOptions } from './types';

/** Thrown by `stopHost` / `startHost` for a host name the emulator does not have. */
export class UnknownHostError extends Error {
  readonly name = 'UnknownHostError';
  constructor(readonly host: string) {
    super(`no emulated host named "${host}"`);
  }
  static isInstance(error: unknown): error is UnknownHostError {
    return error instanceof Error && error.name === 'UnknownHostError';
  }
}

/**
 * Starts one HTTP server per host (each on 127.0.0.1, its own port), all sharing one
 * configuration, log and stats. Every host speaks Ollama, OpenAI, Anthropic and Gemini.
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<Emulator> => {
  const hostOptions = options.hosts && options.hosts.length > 0 ? options.hosts : [{ name: 'emulator' }];
  const names = new Set(hostOptions.map((host) => host.name));
  if (names.size !== hostOptions.length) throw new Error('emulated host names must be unique');
  const state = createEmulatorState(options);
  const servers = hostOptions.map((host) => createHostServer(host, state));
  try {
    for (const server of servers) await server.start();
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }

  const serverNamed = (name: string): HostServer => {
    const server = servers.find((candidate) => candidate.name === name);
    if (!server) throw new UnknownHostError(name);
    return server;
  };
  const describe = (server: HostServer): EmulatedHost => ({
    name: server.name,
    url: server.url,
    port: server.port,
    running: server.running,
  });

  return {
    url: servers[0].url,
    get hosts() {
      return servers.map(describe);
    },
    log: () => state.log.list(),
    stats: () => state.inFlight.stats(),
    reset: () => resetState(state),
    configure: (patch) => applyConfigPatch(state, patch),
    stopHost: async (name) => serverNamed(name).stop(),
    startHost: async (name) => serverNamed(name).start(),
    close: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
};
