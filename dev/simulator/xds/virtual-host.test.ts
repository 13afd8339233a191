import { describe, expect, it } from 'vitest';
import type { RouteConfig } from './snapshot.ts';
import { selectVirtualHost, withoutPort } from './virtual-host.ts';

function config(domainsByHost: Record<string, string[]>, ignorePortInHostMatching = false): RouteConfig {
  return { name: '80', ignorePortInHostMatching, virtualHosts: Object.entries(domainsByHost).map(([name, domains]) => ({ name, domains, routes: [] })) };
}

const pick = (routeConfig: RouteConfig, authority: string, strip: { stripAnyHostPort?: boolean; stripMatchingHostPort?: boolean } = {}) =>
  selectVirtualHost(routeConfig, authority, strip, 80)?.name;

describe("Envoy's virtual host selection", () => {
  const hosts = config({
    exact: ['api.example.com'],
    longSuffix: ['*.api.example.com'],
    suffix: ['*.example.com'],
    dashSuffix: ['*-canary.example.com'],
    prefix: ['api.*'],
    longPrefix: ['api.example.*'],
    any: ['*'],
  });

  it('takes an exact domain over every wildcard, ignoring case', () => {
    expect(pick(hosts, 'api.example.com')).toBe('exact');
    expect(pick(hosts, 'API.Example.COM')).toBe('exact');
  });

  it('then the longest suffix wildcard, then the longest prefix wildcard, then *', () => {
    expect(pick(hosts, 'v1.api.example.com')).toBe('longSuffix');
    expect(pick(hosts, 'www.example.com')).toBe('suffix');
    expect(pick(hosts, 'web-canary.example.com')).toBe('dashSuffix');
    expect(pick(hosts, 'api.example.org')).toBe('longPrefix');
    expect(pick(hosts, 'api.internal')).toBe('prefix');
    expect(pick(hosts, 'other.test')).toBe('any');
  });

  it('never lets a wildcard stand for nothing', () => {
    expect(pick(config({ suffix: ['*.example.com'], prefix: ['api.*'] }), '.example.com')).toBeUndefined();
    expect(pick(config({ prefix: ['api.*'] }), 'api.')).toBeUndefined();
    expect(pick(config({ exact: ['hello'] }), 'hello.demo')).toBeUndefined();
  });

  it('matches the port as part of the host unless the connection manager strips it or the route config ignores it', () => {
    const withPorts = config({ bare: ['hello.demo'], ported: ['hello.demo:80'] });
    expect(pick(withPorts, 'hello.demo:80')).toBe('ported');
    expect(pick(withPorts, 'hello.demo:80', { stripAnyHostPort: true })).toBe('bare');
    expect(pick(withPorts, 'hello.demo:80', { stripMatchingHostPort: true })).toBe('bare');
    expect(pick(config({ bare: ['hello.demo'] }), 'hello.demo:8080', { stripMatchingHostPort: true })).toBeUndefined();
    expect(pick(config({ bare: ['hello.demo'] }, true), 'hello.demo:8080')).toBe('bare');
  });

  it('drops the port but keeps an IPv6 literal whole', () => {
    expect(withoutPort('hello:5000')).toBe('hello');
    expect(withoutPort('[fd00::1]:5000')).toBe('[fd00::1]');
    expect(withoutPort('[fd00::1]')).toBe('[fd00::1]');
  });
});
