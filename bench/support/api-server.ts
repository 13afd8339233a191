/**
 * The sandbox's kube-apiserver over plain HTTPS, as one user of its kubeconfig (admin by default): the
 * benches' own client for seeding, the raw LIST baselines and the changes whose effect they time. It reads
 * whole bodies and parses them, so a raw LIST is timed the way the console's responses are.
 *
 * Runs under Node's type stripping (bench/run.ts), Vitest and Playwright: relative `.ts` imports only.
 */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ApiResponse {
  status: number;
  body: string;
  /** From sending the request to the last byte of the body. */
  ms: number;
}

export interface ApiServer {
  url: string;
  /** The bearer token of the chosen user (kept in this process; never printed). */
  token: string;
  /** The CA certificate (PEM) the API server's certificate is signed by. */
  ca: string;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** GET, parsed; throws unless 2xx. */
  json<T>(path: string, headers?: Record<string, string>): Promise<T>;
  close(): void;
}

interface Kubeconfig {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  users: { name: string; user: { token?: string } }[];
}

/** Reads server, CA and token of `context` from a kubeconfig with embedded data (the sandbox's). */
export function kubeconfigCredentials(path: string, context = 'admin'): { url: string; ca: string; token: string } {
  const config = parse(readFileSync(path, 'utf8')) as Kubeconfig;
  const entry = config.contexts.find((candidate) => candidate.name === context);
  if (!entry) throw new Error(`${path} has no context ${context}`);
  const cluster = config.clusters.find((candidate) => candidate.name === entry.context.cluster)!.cluster;
  const token = config.users.find((candidate) => candidate.name === entry.context.user)?.user.token;
  if (!token) throw new Error(`${path}: the user of context ${context} has no token`);
  return { url: cluster.server, ca: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8'), token };
}

export function apiServer(credentials: { url: string; ca: string; token: string }, maxSockets = 64): ApiServer {
  const agent = new Agent({ keepAlive: true, maxSockets, ca: credentials.ca });
  const base = new URL(credentials.url);
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const started = performance.now();
      const outgoing = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${credentials.token}`,
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  return {
    ...credentials,
    send,
    async json<T>(path: string, headers?: Record<string, string>): Promise<T> {
      const response = await send('GET', path, undefined, headers);
      if (response.status < 200 || response.status > 299) throw new Error(`GET ${path} answered ${response.status}: ${response.body.slice(0, 300)}`);
      return JSON.parse(response.body) as T;
    },
    close: () => agent.destroy(),
  };
}

/** The sandbox admin (group system:masters: exempt from API priority and fairness, so seeding is not throttled). */
export function sandboxAdmin(kubeconfig: string): ApiServer {
  return apiServer(kubeconfigCredentials(kubeconfig, 'admin'));
}
