import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_KEYS, parseWeirEnv } from './env';
import { frontServerEnv } from './front-server-env';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Parses `settings` alone (no inherited environment) and answers the error's message, or '' when it parsed. */
function problem(settings: Record<string, string>): string {
  try {
    parseWeirEnv(settings);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the configuration schema', () => {
  it('parses an empty environment to the documented defaults', () => {
    const env = parseWeirEnv({});
    expect(env).toMatchObject({
      WEIR_WAIT_READY_TIMEOUT_MS: 120_000,
      WEIR_SANDBOX: false,
      WEIR_CONTROLLER: true,
      WEIR_LEASE_SECONDS: 15,
      WEIR_CONTROLLER_TICK_MS: 1000,
      WEIR_NAMESPACE: 'weir-system',
      WEIR_PROMETHEUS_SCRAPE_INTERVAL: '15s',
      PORT: 3000,
      WEIR_HOST: '127.0.0.1',
    });
  });

  it('reads an empty setting (NAME=) as unset, so .env.example as it stands is a valid configuration', () => {
    expect(parseWeirEnv({ WEIR_WAIT_READY_TIMEOUT_MS: '', PORT: '', WEIR_SESSION_SECRET: '', WEIR_KUBECONFIG: '' })).toMatchObject({ WEIR_WAIT_READY_TIMEOUT_MS: 120_000, PORT: 3000 });
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const settings = Object.fromEntries([...example.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((match) => [match[1]!, match[2]!]));
    expect(Object.keys(settings).length).toBeGreaterThan(30);
    expect(problem(settings)).toBe('');
  });

  it('parses numbers and flags to their types', () => {
    expect(parseWeirEnv({ WEIR_WAIT_READY_TIMEOUT_MS: '5000', WEIR_SANDBOX: '1', PORT: '8080', WEIR_HOST: '0.0.0.0' })).toMatchObject({
      WEIR_WAIT_READY_TIMEOUT_MS: 5000,
      WEIR_SANDBOX: true,
      PORT: 8080,
      WEIR_HOST: '0.0.0.0',
    });
  });

  // Each bad value stops the server with a message that starts with the setting's name.
  const BAD: [name: string, value: string, says: string][] = [
    ['WEIR_WAIT_READY_TIMEOUT_MS', 'two minutes', 'must be a number of milliseconds'],
    ['WEIR_WAIT_READY_TIMEOUT_MS', '500', ''],
    ['WEIR_WAIT_READY_TIMEOUT_MS', '2500.5', ''],
    ['WEIR_SESSION_IDLE_MINUTES', 'half an hour', ''],
    ['WEIR_SESSION_MAX_HOURS', '0', ''],
    ['WEIR_LOGIN_RATE_PER_ADDRESS', 'many', 'must be a number of attempts per minute'],
    ['WEIR_LOGIN_RATE_GLOBAL', '-1', ''],
    ['WEIR_STREAMS_PER_SESSION', 'x', ''],
    ['WEIR_STREAM_KEEPALIVE_SECONDS', '1000', ''],
    ['WEIR_LEASE_SECONDS', 'fifteen', ''],
    ['WEIR_CONTROLLER_TICK_MS', '10', ''],
    ['WEIR_CONTROLLER', 'yes', ''],
    ['WEIR_SANDBOX', 'yes', ''],
    ['WEIR_IN_CLUSTER', 'on', ''],
    ['WEIR_PROMETHEUS_URL', 'prometheus:9090', 'must be an http(s) URL'],
    ['WEIR_PROMETHEUS_URLS', '{prod: http://p}', 'must be a JSON object of context name to URL'],
    ['WEIR_PROMETHEUS_SCRAPE_INTERVAL', '15', 'must be a duration like 15s or 1m'],
    ['WEIR_NAMESPACE', 'Weir_System', 'must be a namespace name'],
    ['WEIR_ACCESS_CANDIDATES', 'some', 'must be rolebindings or all'],
    ['WEIR_OIDC_MODE', 'cookie', 'must be impersonate or bearer'],
    ['WEIR_AUTH_STRATEGIES', 'token,ldap', 'must list dev, token, oidc or proxy'],
    ['WEIR_SESSION_SECRET', 'short', 'must be at least 32 characters'],
    ['PORT', 'http', 'must be a port number (1-65535)'],
    ['PORT', '70000', 'must be a port number (1-65535)'],
    ['WEIR_HOST', 'my host', 'must be a host name or IP address to listen on'],
  ];

  it.each(BAD)('refuses %s=%j, naming the setting', (name, value, says) => {
    const message = problem({ [name]: value });
    expect(message).toMatch(new RegExp(`^Invalid configuration: (\\S+: [^;]+; )*${name}: `));
    if (says) expect(message).toContain(`${name}: ${says}`);
  });

  it('names every bad setting at once', () => {
    const message = problem({ WEIR_WAIT_READY_TIMEOUT_MS: 'soon', PORT: 'x', WEIR_LEASE_SECONDS: 'y' });
    for (const name of ['WEIR_WAIT_READY_TIMEOUT_MS', 'PORT', 'WEIR_LEASE_SECONDS']) expect(message).toContain(`${name}: `);
  });

  it('gives server.mjs the same answer for its own settings', () => {
    expect(frontServerEnv({})).toEqual({ PORT: 3000, WEIR_HOST: '127.0.0.1' });
    expect(() => frontServerEnv({ PORT: 'http' })).toThrow('Invalid configuration: PORT: must be a port number (1-65535)');
    expect(() => frontServerEnv({ WEIR_HOST: 'my host' })).toThrow('Invalid configuration: WEIR_HOST: must be a host name or IP address to listen on');
  });
});

/** Source files of the console (not tests): app/, lib/, components/, and the entry files beside them. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|mjs|js)$/.test(entry) && !/\.test\.ts$|\.test-helpers\.ts$/.test(entry) ? [path] : [];
  });
}

describe('every setting goes through the schema', () => {
  // Variables the platform sets (not settings of Weir's): Next.js's runtime and mode, and the pod's name.
  const PLATFORM = new Set(['NODE_ENV', 'NEXT_RUNTIME', 'HOSTNAME']);

  it('no console code reads a setting from process.env itself', () => {
    const files = [...['app', 'lib', 'components'].flatMap((dir) => sources(join(ROOT, dir))), ...['server.mjs', 'proxy.ts', 'instrumentation.ts', 'next.config.js'].map((file) => join(ROOT, file))];
    const reads = files.flatMap((file) => {
      const path = relative(ROOT, file);
      if (path.startsWith('lib/config/')) return [];
      const text = readFileSync(file, 'utf8');
      const direct = [...text.matchAll(/process\.env\.([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1]!).filter((name) => !PLATFORM.has(name));
      const whole = /process\.env(?!\.)/.test(text.replace(/frontServerEnv\(process\.env\)|parseWeirEnv\(process\.env\)/g, '')) ? ['process.env (whole)'] : [];
      return [...direct, ...whole].map((name) => `${path}: ${name}`);
    });
    expect(reads).toEqual([]);
  });

  it('knows the settings it was moved from', () => {
    expect(ENV_KEYS).toEqual(expect.arrayContaining(['WEIR_WAIT_READY_TIMEOUT_MS', 'WEIR_SANDBOX', 'PORT', 'WEIR_HOST']));
  });
});

describe('the shared session store settings', () => {
  it('needs WEIR_SESSION_SECRET with WEIR_SESSION_STORE=cluster, and says so by name', () => {
    expect(problem({ WEIR_SESSION_STORE: 'cluster' })).toMatch(/WEIR_SESSION_SECRET: required when WEIR_SESSION_STORE=cluster/);
    expect(problem({ WEIR_SESSION_STORE: 'cluster', WEIR_SESSION_SECRET: 'k'.repeat(32) })).toBe('');
    expect(parseWeirEnv({}).WEIR_SESSION_STORE).toBe('memory');
    expect(problem({ WEIR_SESSION_STORE: 'redis' })).toMatch(/WEIR_SESSION_STORE/);
  });

  it('refuses the placeholder key of deploy/kustomization.yaml', () => {
    const placeholder = /- WEIR_SESSION_SECRET=(\S+)/.exec(readFileSync(join(ROOT, 'deploy/kustomization.yaml'), 'utf8'))![1]!;
    expect(problem({ WEIR_SESSION_STORE: 'cluster', WEIR_SESSION_SECRET: placeholder })).toMatch(/WEIR_SESSION_SECRET: is still the placeholder/);
  });
});
