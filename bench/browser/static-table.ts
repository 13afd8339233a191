/**
 * P2's baseline: the same rows the console lists, as one static HTML table served from loopback — what a
 * browser needs to show them with no JavaScript, no fetch and no virtualisation (every row in the document).
 */
import { createServer, type Server } from 'node:http';

interface Row {
  namespace: string;
  service: string;
  host?: string;
  routed?: boolean;
  provider?: { name?: string };
  versions?: { name: string; weight?: number; ready?: number; desired?: number }[];
  validations?: { severity?: string }[];
}

const escape = (text: unknown) => String(text ?? '').replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);

export function staticTable(rows: Row[]): string {
  const body = rows
    .map((row) => {
      const versions = (row.versions ?? []).map((v) => `<span>${escape(v.name)} ${escape(v.weight)}% ${escape(v.ready)}/${escape(v.desired)}</span>`).join(' ');
      const split = (row.versions ?? []).map((v) => `${escape(v.name)} ${escape(v.weight)}%`).join(' / ');
      const problems = (row.validations ?? []).length;
      return `<tr role="row"><td><a href="/services/sandbox/${escape(row.namespace)}/${escape(row.service)}">${escape(row.host ?? `${row.service}.${row.namespace}`)}</a></td><td>${escape(row.namespace)}</td><td>${escape(row.routed === false ? '—' : row.provider?.name)}</td><td>${versions}</td><td>${split}</td><td>${problems ? `${problems} warnings` : 'Healthy'}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Services</title>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e2e8f0;padding:12px 8px;text-align:left}</style>
</head><body>
<h1>Services</h1>
<p data-testid="service-count">${rows.length} services</p>
<table aria-label="Services"><thead><tr role="row"><th>Service</th><th>Namespace</th><th>Provider</th><th>Versions</th><th>Split</th><th>Status</th></tr></thead>
<tbody>
${body}
</tbody></table>
</body></html>`;
}

/** Serves `html` at `/` on a free loopback port. */
export function serveStatic(html: string): Promise<{ url: string; server: Server }> {
  const bytes = Buffer.from(html, 'utf8');
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': bytes.length, 'cache-control': 'no-store' });
    response.end(bytes);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server })));
}
