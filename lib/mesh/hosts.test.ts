import { describe, expect, it } from 'vitest';
import { displayHost, qualifyHost, serviceOfHost } from './hosts';

describe('host names', () => {
  it('qualifies short names against the namespace of the object that names them', () => {
    expect(qualifyHost('reviews', 'default')).toBe('reviews.default.svc.cluster.local');
    expect(qualifyHost('reviews.bookinfo', 'default')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(qualifyHost('reviews.bookinfo.svc', 'default')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(qualifyHost('reviews.bookinfo.svc.cluster.local', 'default')).toBe('reviews.bookinfo.svc.cluster.local');
  });

  it('leaves external hosts and wildcards alone', () => {
    expect(qualifyHost('api.example.com', 'default')).toBe('api.example.com');
    expect(qualifyHost('*.example.com', 'default')).toBe('*.example.com');
    expect(serviceOfHost('api.example.com', 'default')).toBeUndefined();
  });

  it('shows cluster services as name.namespace', () => {
    expect(displayHost('nginx', 'demo')).toBe('nginx.demo');
    expect(serviceOfHost('nginx.demo.svc.cluster.local', 'x')).toEqual({ name: 'nginx', namespace: 'demo' });
  });
});
