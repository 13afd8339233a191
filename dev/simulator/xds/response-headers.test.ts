import { describe, expect, it } from 'vitest';
import { responseHeadersAdded } from './response-headers.ts';

describe('the response headers Envoy adds, level by level', () => {
  it("appends Istio's `add` (two Set-Cookies stay two headers) and lower-cases names as Envoy sends them", () => {
    expect(responseHeadersAdded([[{ name: 'Set-Cookie', value: 'a=1; Path=/' }], [{ name: 'set-cookie', value: 'b=2' }]])).toEqual([
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2'],
    ]);
    expect(responseHeadersAdded([undefined, []])).toEqual([]);
  });

  it("lets the route's `set` (after the weighted cluster's level) overwrite every value of its name", () => {
    const cluster = [{ name: 'x-version', value: 'v2' }, { name: 'x-version', value: 'again' }];
    const route = [{ name: 'X-Version', value: 'route', action: 'overwriteIfExistsOrAdd' as const }];
    expect(responseHeadersAdded([cluster, route])).toEqual([['x-version', 'route']]);
  });

  it('judges addIfAbsent and overwriteIfExists by the headers before the level, then overwrites before it appends', () => {
    const first = [{ name: 'a', value: '1' }];
    const second = [
      { name: 'a', value: 'not added', action: 'addIfAbsent' as const },
      { name: 'b', value: 'added', action: 'addIfAbsent' as const },
      { name: 'a', value: 'overwritten', action: 'overwriteIfExists' as const },
      { name: 'c', value: 'absent, so nothing', action: 'overwriteIfExists' as const },
      // Absent before this level: added although `b` above is added in this very level.
      { name: 'b', value: 'also added', action: 'addIfAbsent' as const },
    ];
    expect(responseHeadersAdded([first, second])).toEqual([
      ['a', 'overwritten'],
      ['b', 'added'],
      ['b', 'also added'],
    ]);
  });
});
