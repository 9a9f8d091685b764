import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/metrics` (Prometheus text format) and `/healthz` of a process without the board, such as
 * `eaio workers` (`--metrics-port`, `--metrics-host`). No token: bind it to loopback or to
 * a network only Prometheus reaches.
 */
export const startMetricsServer = async (
  registry: Registry,
  options: {
    port: number;
    host: string /** When the port is taken (another process on this host), listen on a free one instead and call this. */;
    onPortTaken?: (port: number) => void;
  },
): Promise<MetricsServer> => {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error instanceof Error ? error.message : String(error)}\n`),
      );
      return;
    }
    if (request.method === 'GET' && path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found","message":"this process serves GET /metrics and /healthz"}');
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  try {
    await listen(options.port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.onPortTaken || options.port === 0) throw error;
    await listen(0);
    options.onPortTaken(options.port);
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
