/**
 * A counting reverse proxy in front of the sandbox's kube-apiserver, on loopback: HTTPS with a throw-away
 * self-signed certificate (openssl, which the sandbox needs anyway), forwarding every request as it came —
 * watches included — and noting the method and path of each request that carries a given bearer token.
 * A console pointed at it (a kubeconfig naming the proxy) shows exactly which API calls it sends as a user.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { kubeconfigCredentials } from './api-server.ts';

export interface CountingProxy {
  url: string;
  /** Requests so far that carried `token`, as `METHOD path` (query dropped). */
  callsOf(token: string): string[];
  /** A copy of `kubeconfig` (with the `context` it uses) that reaches the API server through this proxy. */
  kubeconfigFor(kubeconfig: string, file: string): string;
  close(): Promise<void>;
}

function selfSignedCertificate(dir: string): { key: string; cert: string } {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'proxy.key');
  const certFile = join(dir, 'proxy.crt');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=weir-bench-proxy', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`openssl could not make the proxy's certificate (apt-get install openssl; ./weir test installs it): ${(error as Error).message}`);
  }
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

/** Starts the proxy in front of the API server that `kubeconfig`'s admin context names. */
export async function startCountingProxy(kubeconfig: string, dir: string): Promise<CountingProxy> {
  const upstream = kubeconfigCredentials(kubeconfig, 'admin');
  const target = new URL(upstream.url);
  const { key, cert } = selfSignedCertificate(dir);
  const calls: { token: string; call: string }[] = [];
  const server: Server = createServer({ key, cert }, (incoming, outgoing) => {
    const token = /^Bearer (.+)$/i.exec(incoming.headers.authorization ?? '')?.[1] ?? '';
    calls.push({ token, call: `${incoming.method} ${(incoming.url ?? '').split('?')[0]}` });
    const forwarded = httpsRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host }, ca: upstream.ca },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        // A watch may send nothing for a long time: its headers must not wait for a first chunk.
        outgoing.flushHeaders();
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    outgoing.on('close', () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    url,
    callsOf: (token) => calls.filter((entry) => entry.token === token).map((entry) => entry.call),
    kubeconfigFor(source, file) {
      const config = parse(readFileSync(source, 'utf8')) as { clusters: { cluster: Record<string, string> }[] };
      for (const cluster of config.clusters) {
        cluster.cluster.server = url;
        cluster.cluster['certificate-authority-data'] = Buffer.from(cert).toString('base64');
      }
      writeFileSync(file, stringify(config), { mode: 0o600 });
      return file;
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
