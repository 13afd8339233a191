/**
 * Weir's production server: Next.js's request handler behind a plain Node HTTP server, so that the TCP peer
 * address reaches the app in a header no client can forge (any incoming value is overwritten). The `proxy`
 * login strategy trusts identity headers only from configured proxy addresses, checked against it.
 *
 *   node server.mjs            PORT (3000) and WEIR_HOST (127.0.0.1) from the environment
 */
import { createServer } from 'node:http';
import next from 'next';

export const PEER_HEADER = 'x-weir-peer-address';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.WEIR_HOST ?? '127.0.0.1';
const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

createServer((request, response) => {
  request.headers[PEER_HEADER] = (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  void handle(request, response);
}).listen(port, hostname, () => {
  console.log(`- Local: http://${hostname}:${port}`);
});
