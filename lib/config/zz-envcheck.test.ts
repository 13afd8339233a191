import { it, expect } from 'vitest';
it('env', async () => {
  for (const env of [{}, {WEIR_PROMETHEUS_URL:''}, {WEIR_PROMETHEUS_URL:'http://127.0.0.1:9090'}, {WEIR_PROMETHEUS_URL:'ftp://x'}, {WEIR_PROMETHEUS_URLS:'{"a":"http://x:1"}'}, {WEIR_PROMETHEUS_URLS:'nope'}, {WEIR_PROMETHEUS_URLS:'{"a":"zz"}'}, {WEIR_PROMETHEUS_SCRAPE_INTERVAL:'5x'}]) {
    const { vi } = await import('vitest');
    vi.resetModules();
    const saved = { ...process.env };
    Object.assign(process.env, env);
    const { weirEnv } = await import('@/lib/config/env');
    try { const e = weirEnv(); console.log(JSON.stringify(env), '=>', e.WEIR_PROMETHEUS_URL, JSON.stringify(e.WEIR_PROMETHEUS_URLS), e.WEIR_PROMETHEUS_SCRAPE_INTERVAL); } catch (err) { console.log(JSON.stringify(env), '=> ERR', (err as Error).message); }
    for (const k of Object.keys(env)) delete process.env[k];
  }
});
