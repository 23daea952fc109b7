/**
 * Small pieces shared by the test servers that stand in for other APIs (test/helpers/*-server.ts
 * and the results test's counting server): listening on loopback, reading a body, the demo users.
 */
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Closes the server and every connection still open (k6 keeps them alive). */
  stop(): Promise<void>;
}

/** Serves `handler` on a free 127.0.0.1 port. */
export async function listenOnLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The whole request body as UTF-8 text. */
export async function readBodyText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The reference server's demo accounts, `user<N>` / `pass<N>` for N = 1..`users`. */
export function isDemoUser(username: string, password: string, users: number): boolean {
  const n = Number(/^user([1-9]\d*)$/.exec(username)?.[1] ?? 0);
  return n >= 1 && n <= users && password === `pass${n}`;
}
