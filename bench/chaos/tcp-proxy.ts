import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a server (here the shared PostgreSQL) that the harness can cut:
 * `cut()` stops listening and resets every open connection, so clients see exactly what a
 * stopped server looks like from outside (open connections die, new ones are refused);
 * `restore()` listens on the same port again. The server behind it is never touched.
 */
export interface TcpProxy {
  readonly port: number;
  readonly cutNow: boolean;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export const startTcpProxy = async (target: { host: string; port: number }): Promise<TcpProxy> => {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const listen = async () => {
    const created = createServer((client) => {
      track(client);
      const upstream = connect(target);
      track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, '127.0.0.1', () => {
        created.off('error', reject);
        resolve();
      });
    });
    port = (created.address() as AddressInfo).port;
    server = created;
  };
  const cut = async () => {
    const current = server;
    server = undefined;
    const closed = current ? new Promise<void>((resolve) => current.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  await listen();
  return {
    get port() {
      return port;
    },
    get cutNow() {
      return server === undefined;
    },
    cut,
    async restore() {
      if (!server) await listen();
    },
    close: cut,
  };
};
