/**
 * Weir's production server: Next.js's request handler behind a plain Node HTTP server, so that the TCP peer
 * address reaches the app in a header no client can forge (any incoming value is overwritten), together with a
 * random mark only this process knows (lib/auth/front-server.ts). The `proxy` login strategy trusts identity
 * headers only from configured proxy addresses, checked against that peer, and only on requests carrying the
 * mark: started without this server (`next start`), proxy login is refused.
 *
 *   node --max-semi-space-size=16 server.mjs     PORT (3000) and WEIR_HOST (127.0.0.1) from the environment
 *
 * --max-semi-space-size=16 (MB): Node 24 lets the young generation grow to 128 MB on a large machine, and the
 * console's RSS kept it all: 437 MB idle at 10,000 services, 322 MB with this cap, at the same list speed
 * (bench P5). Every launcher (./weir, npm start, deploy/Dockerfile, the e2e and bench consoles) passes it.
 */
import { createServer } from 'node:http';
import next from 'next';
import { registerFrontServer, stampRequest } from './lib/auth/front-server.ts';
import { frontServerEnv } from './lib/config/front-server-env.ts';

// Parsed with the console's zod schema (lib/config/env.ts includes these); a bad value stops here, named.
let settings;
try {
  settings = frontServerEnv(process.env);
} catch (error) {
  console.error(`[weir] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const { PORT: port, WEIR_HOST: hostname } = settings;
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
