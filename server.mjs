/**
 * Weir's production server: Next.js's request handler behind a plain Node HTTP server, so that the TCP peer
 * address reaches the app in a header no client can forge (any incoming value is overwritten), together with a
 * random mark only this process knows (lib/auth/front-server.ts). The `proxy` login strategy trusts identity
 * headers only from configured proxy addresses, checked against that peer, and only on requests carrying the
 * mark: started without this server (`next start`), proxy login is refused.
 *
 *   node server.mjs            PORT (3000) and WEIR_HOST (127.0.0.1) from the environment
 */
import { createServer } from 'node:http';
import next from 'next';
import { registerFrontServer, stampRequest } from './lib/auth/front-server.ts';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.WEIR_HOST ?? '127.0.0.1';
const mark = registerFrontServer();
const app = next({ dev: false, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();

createServer((request, response) => {
  stampRequest(request.headers, request.socket.remoteAddress, mark);
  void handle(request, response);
}).listen(port, hostname, () => {
  console.log(`- Local: http://${hostname}:${port}`);
});
