/**
 * The console's change stream (`GET /api/events`, Server-Sent Events) as a browser tab holds it open. The
 * benches use it to know that the console has seen a write (a message naming the object arrives) and that
 * the cluster has gone quiet, without depending on the shape of the messages: only their text is read.
 */
import { request, type ClientRequest } from 'node:http';
import type { Session } from './console.ts';

export interface ChangeStream {
  /** Messages (event + data, comments dropped) received so far. */
  readonly received: number;
  /** Resolves with performance.now() of the first message from now on whose text contains `needle`. */
  next(needle: string, timeoutMs?: number): Promise<number>;
  /** Resolves once no message has arrived for `quietMs` (or after `timeoutMs`, saying so). */
  quiet(quietMs: number, timeoutMs?: number): Promise<{ quiet: boolean; waitedMs: number }>;
  close(): void;
}

export function openChangeStream(url: string, session: Session): Promise<ChangeStream> {
  return new Promise((opened, failed) => {
    let received = 0;
    let lastAt = performance.now();
    let buffer = '';
    const waiters: { needle: string; done: (at: number) => void }[] = [];
    const outgoing: ClientRequest = request(new URL('/api/events', url), { headers: { cookie: session.cookie, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        failed(new Error(`GET /api/events answered ${response.statusCode}`));
        response.resume();
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const text = message
            .split('\n')
            .filter((line) => !line.startsWith(':'))
            .join('\n');
          if (!text.trim()) continue;
          const at = performance.now();
          received += 1;
          lastAt = at;
          for (let index = waiters.length - 1; index >= 0; index -= 1) {
            if (text.includes(waiters[index]!.needle)) waiters.splice(index, 1)[0]!.done(at);
          }
        }
      });
      opened(stream);
    });
    outgoing.on('error', (error) => failed(error));
    outgoing.end();

    const stream: ChangeStream = {
      get received() {
        return received;
      },
      next(needle, timeoutMs = 30_000) {
        return new Promise((done, reject) => {
          const timer = setTimeout(() => reject(new Error(`no change-stream message mentioning ${needle} within ${timeoutMs} ms`)), timeoutMs);
          waiters.push({ needle, done: (at) => (clearTimeout(timer), done(at)) });
        });
      },
      async quiet(quietMs, timeoutMs = 120_000) {
        const started = performance.now();
        lastAt = Math.max(lastAt, started);
        while (performance.now() - lastAt < quietMs) {
          if (performance.now() - started > timeoutMs) return { quiet: false, waitedMs: performance.now() - started };
          await new Promise((done) => setTimeout(done, 100));
        }
        return { quiet: true, waitedMs: performance.now() - started };
      },
      close: () => outgoing.destroy(),
    };
  });
}
