/**
 * A load-test hook target for progressive releases, like Flagger's load tester but in-process: `POST /load-test`
 * on the simulator's loopback port with a release hook's body (`{ name, namespace, metadata: { rps, seconds } }`)
 * adds `rps` simulated requests per second to that Service for `seconds`, on top of the usual traffic. They are
 * routed like every other simulated request, so the gray version gets its weight's share of them: a release
 * hook (an `event` hook, or a confirm hook that answers 200) raises the gray version's traffic, and its
 * metrics fill faster.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface LoadRun {
  namespace: string;
  service: string;
  rps: number;
  until: number;
  owed: number;
}

const MAX_RPS = 1000;
const MAX_SECONDS = 600;

function bounded(value: unknown, fallback: number, max: number): number {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? Math.min(number, max) : fallback;
}

export class LoadTests {
  private runs = new Map<string, LoadRun>();

  /** Starts (or restarts) extra load on one Service. */
  start(namespace: string, service: string, rps: number, seconds: number, now = Date.now()): LoadRun {
    const run = { namespace, service, rps: bounded(rps, 100, MAX_RPS), until: now + bounded(seconds, 30, MAX_SECONDS) * 1000, owed: 0 };
    this.runs.set(`${namespace}/${service}`, run);
    return run;
  }

  /** How many extra requests each running load owes after `elapsedMs` (at most one second's worth); ended runs go. */
  due(elapsedMs: number, now = Date.now()): { namespace: string; service: string; count: number }[] {
    const owed: { namespace: string; service: string; count: number }[] = [];
    for (const [key, run] of this.runs) {
      if (now >= run.until) {
        this.runs.delete(key);
        continue;
      }
      run.owed += (run.rps * Math.min(elapsedMs, 1000)) / 1000;
      const count = Math.floor(run.owed);
      run.owed -= count;
      if (count > 0) owed.push({ namespace: run.namespace, service: run.service, count });
    }
    return owed;
  }

  /** The hook endpoint: a release hook's JSON body; answers 202 with the run, 400 for a body without a Service. */
  handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 64 * 1024) chunks.push(chunk);
    });
    request.on('end', () => {
      let body: { name?: unknown; namespace?: unknown; metadata?: Record<string, unknown> } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        // Answered below as a body without a Service.
      }
      if (typeof body.name !== 'string' || typeof body.namespace !== 'string') {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('expected a release hook body: { name, namespace, metadata }\n');
        return;
      }
      const run = this.start(body.namespace, body.name, Number(body.metadata?.rps), Number(body.metadata?.seconds));
      response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ namespace: run.namespace, service: run.service, rps: run.rps, until: new Date(run.until).toISOString() }));
    });
  }
}
