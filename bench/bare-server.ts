/**
 * The yardstick for the reference server: a bare `node:http` server that answers every request
 * 200 with a JSON body the size of `/protected`'s, and no auth at all. Run as its own process by
 * bench/run.ts (`PORT=0` picks a free port); prints one line once listening; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({ user: 'user1', auth: 'token' });

const server = createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(BODY),
  });
  res.end(BODY);
});

server.listen(Number(process.env.PORT ?? '0'), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`Bare server listening on http://127.0.0.1:${port}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
  });
}
