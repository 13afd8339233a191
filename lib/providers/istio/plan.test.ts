import { describe, expect, it } from 'vitest';
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import { MeshError } from '@/lib/mesh/errors';
import { cookieRegex, type Intent } from '@/lib/mesh/intents';
import { deployment, plan as planOf, rejection as refusal, replaced, reviewsObjects, serviceObject, stateOf } from '@/lib/mesh/fixtures.test-helpers';
import type { DestinationRule, VirtualService } from './types';

const readRelease = (objects: KubernetesObject[], service = 'reviews', namespace = 'default') => stateOf(objects, service, namespace).view;
const plan = (objects: KubernetesObject[], intent: Intent, service = 'reviews', namespace = 'default') => planOf(stateOf(objects, service, namespace), intent);
const rejection = (work: () => unknown) => refusal(work, MeshError);
const vsOf = (objects: KubernetesObject[]) => objects.find((o) => o.kind === 'VirtualService') as VirtualService;
const drOf = (objects: KubernetesObject[]) => objects.find((o) => o.kind === 'DestinationRule') as DestinationRule;

describe('readRelease', () => {
  it('reads versions, weights and the stable version of reviews 80/20', () => {
    const view = readRelease(reviewsObjects('virtual-service-reviews-80-20.yaml'));
    expect(view.versions.map((v) => [v.name, v.weight, v.role])).toEqual([
      ['v1', 80, 'stable'],
      ['v2', 20, 'gray'],
      ['v3', 0, 'gray'],
    ]);
    expect(view.versions[0]!.workloads[0]).toMatchObject({ form: 'pods', kind: 'Deployment', name: 'reviews-v1', ready: 1 });
    expect(view.validations).toEqual([]);
  });

  it('reads the header rule of reviews-test-v2 as a content rule for v2', () => {
    const view = readRelease(reviewsObjects('virtual-service-reviews-test-v2.yaml'));
    const v2 = view.versions.find((v) => v.name === 'v2')!;
    expect(v2.rules).toEqual([{ index: 0, version: 'v2', policy: { match: 'all', conditions: [{ on: 'header', name: 'end-user', operator: 'exact', value: 'jason' }] } }]);
    expect(view.managedRouteIndex).toBe(1);
  });

  it('flags a version with traffic but no ready endpoint', () => {
    const view = readRelease(reviewsObjects('virtual-service-reviews-80-20.yaml', { v1: 1, v2: 0, v3: 1 }));
    expect(view.validations).toContainEqual({ code: 'traffic-without-ready-endpoint', severity: 'error', subject: 'v2' });
  });

  it('changes its split etag when the weights change, and only then', () => {
    const a = readRelease(reviewsObjects('virtual-service-reviews-80-20.yaml'));
    const b = readRelease(reviewsObjects('virtual-service-reviews-90-10.yaml'));
    const again = readRelease(reviewsObjects('virtual-service-reviews-80-20.yaml'));
    expect(a.splitEtag).not.toBe(b.splitEtag);
    expect(a.splitEtag).toBe(again.splitEtag);
  });
});

describe('planSetWeights', () => {
  it('writes 30/60/10 on the catch-all route and nothing else', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml');
    const { steps } = plan(objects, { type: 'set-weights', expected: 'x', weights: { v1: 30, v2: 60, v3: 10 } });
    expect(steps).toHaveLength(1);
    const vs = replaced<VirtualService>(steps, 'VirtualService');
    expect(vs.spec!.http![0]!.route!.map((r) => [r.destination.subset, r.weight])).toEqual([
      ['v1', 30],
      ['v2', 60],
      ['v3', 10],
    ]);
    expect(vs.metadata!.resourceVersion).toBe('1');
  });

  it('keeps every field it does not own: retries, timeouts, fault, headers, unknown keys', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml');
    const route = vsOf(objects).spec!.http![0]!;
    Object.assign(route, { timeout: '3s', retries: { attempts: 3 }, fault: { delay: { fixedDelay: '1s', percentage: { value: 5 } } } });
    route.route![0]!.headers = { request: { set: { 'x-team': 'a' } } };
    const { steps } = plan(objects, { type: 'set-weights', expected: 'x', weights: { v1: 50, v2: 50 } });
    const next = replaced<VirtualService>(steps, 'VirtualService').spec!.http![0]!;
    expect(next).toMatchObject({ timeout: '3s', retries: { attempts: 3 }, fault: { delay: { fixedDelay: '1s' } } });
    expect(next.route![0]!.headers).toEqual({ request: { set: { 'x-team': 'a' } } });
  });

  it('refuses traffic to a version with no ready endpoint, naming the field', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml', { v1: 1, v2: 1, v3: 0 });
    const error = rejection(() => plan(objects, { type: 'set-weights', expected: 'x', weights: { v1: 50, v3: 50 } }));
    expect(error.code).toBe('invalid');
    expect(error.fields).toMatchObject([{ field: 'weights.v3', message: '"v3" has no ready endpoint' }]);
  });

  it('refuses an unknown version', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml');
    const error = rejection(() => plan(objects, { type: 'set-weights', expected: 'x', weights: { v1: 50, v9: 50 } }));
    expect(error.fields?.[0]?.field).toBe('weights.v9');
  });
});

describe('planAddVersion', () => {
  it('creates the Deployment, waits for it, adds the subset, then moves 30% to it', () => {
    const objects = reviewsObjects('virtual-service-reviews-v3.yaml', { v3: 2 });
    drOf(objects).spec!.subsets = drOf(objects).spec!.subsets!.filter((s) => s.name === 'v3');
    const { steps } = plan(objects, {
      type: 'add-version',
      expected: '',
      version: 'v4',
      image: 'reviews:v4',
      replicas: 2,
      env: [{ name: 'MODE', value: 'gray' }],
      weight: 30,
    });
    expect(steps.map((s) => `${s.action}:${'object' in s ? s.object.kind : s.deployment.name}`)).toEqual([
      'create:Deployment',
      'wait-ready:reviews-v4',
      'replace:DestinationRule',
      'replace:VirtualService',
    ]);
    const created = (steps[0] as { object: V1Deployment }).object;
    expect(created.metadata!.name).toBe('reviews-v4');
    expect(created.spec!.selector.matchLabels).toEqual({ app: 'reviews', version: 'v4' });
    expect(created.spec!.template.spec!.containers[0]).toMatchObject({ image: 'reviews:v4', env: [{ name: 'MODE', value: 'gray' }] });
    const dr = replaced<DestinationRule>(steps, 'DestinationRule');
    expect(dr.spec!.subsets!.map((s) => s.name)).toEqual(['v3', 'v4']);
    const vs = replaced<VirtualService>(steps, 'VirtualService');
    expect(vs.spec!.http![0]!.route!.map((r) => [r.destination.subset, r.weight])).toEqual([
      ['v3', 70],
      ['v4', 30],
    ]);
  });

  it('adds a cookie-gated version at 0% with its rule before the catch-all route', () => {
    const objects = reviewsObjects('virtual-service-all-v1.yaml', { v1: 1 });
    drOf(objects).spec!.subsets = [{ name: 'v1', labels: { version: 'v1' } }];
    const regex = cookieRegex('gray', 'true');
    const { steps } = plan(objects, {
      type: 'add-version',
      expected: '',
      version: 'v2',
      image: 'reviews:v2',
      replicas: 1,
      env: [],
      weight: 0,
      policy: { match: 'any', conditions: [{ on: 'cookie', operator: 'regex', value: regex }, { on: 'header', name: 'end-user', operator: 'exact', value: 'asm' }] },
    });
    expect(steps.map((s) => s.action)).toEqual(['create', 'wait-ready', 'replace', 'replace']);
    const vs = replaced<VirtualService>(steps.slice(3), 'VirtualService');
    const reviews = vs.spec!.http!;
    expect(reviews[0]).toEqual({
      match: [{ headers: { cookie: { regex: '^(.*?;\\s*)?(gray=true)(;.*)?$' } } }, { headers: { 'end-user': { exact: 'asm' } } }],
      route: [{ destination: { host: 'reviews', subset: 'v2' } }],
    });
    expect(reviews[1]).toEqual({ route: [{ destination: { host: 'reviews', subset: 'v1' } }] });
  });

  it('does not wait for a version that gets no traffic', () => {
    const objects = reviewsObjects('virtual-service-all-v1.yaml', { v1: 1 });
    drOf(objects).spec!.subsets = [{ name: 'v1', labels: { version: 'v1' } }];
    const { steps } = plan(objects, { type: 'add-version', expected: '', version: 'v2', image: 'r:2', replicas: 1, env: [], weight: 0 });
    expect(steps.map((s) => s.action)).toEqual(['create', 'replace']);
  });

  it('refuses a version name that exists', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml');
    const error = rejection(() => plan(objects, { type: 'add-version', expected: '', version: 'v2', image: 'x', replicas: 1, env: [], weight: 0 }));
    expect(error.fields).toMatchObject([{ field: 'version', message: '"v2" already exists' }]);
  });
});

describe('planTakeOver and planDeleteVersion', () => {
  it('gives one version 100% and removes every content rule', () => {
    const objects = reviewsObjects('virtual-service-reviews-test-v2.yaml');
    const { steps } = plan(objects, { type: 'take-over', expected: '', version: 'v2' });
    const vs = replaced<VirtualService>(steps, 'VirtualService');
    expect(vs.spec!.http).toEqual([{ route: [{ destination: { host: 'reviews', subset: 'v2' } }] }]);
  });

  it('refuses to delete a version that still receives traffic, and says why', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml');
    const error = rejection(() => plan(objects, { type: 'delete-version', expected: '', version: 'v2', keepWorkload: false }));
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('receives 20%');
  });

  it('removes route entries, then the subset, then the Deployment', () => {
    const objects = reviewsObjects('virtual-service-reviews-v3.yaml');
    const { steps } = plan(objects, { type: 'delete-version', expected: '', version: 'v1', keepWorkload: false });
    expect(steps.map((s) => `${s.action}:${'object' in s ? s.object.kind : ''}`)).toEqual(['replace:DestinationRule', 'delete:Deployment']);
    expect(replaced<DestinationRule>(steps, 'DestinationRule').spec!.subsets!.map((s) => s.name)).toEqual(['v2', 'v3']);
    const kept = plan(objects, { type: 'delete-version', expected: '', version: 'v1', keepWorkload: true });
    expect(kept.steps.map((s) => s.action)).toEqual(['replace']);
  });
});

describe('planCreateRouting', () => {
  it('creates a subset per version label and routes all traffic to the stable one', () => {
    const objects = [serviceObject('cart', 'shop'), deployment('cart', 'v1', 1, 'shop'), deployment('cart', 'v2', 1, 'shop')];
    const { steps } = plan(objects, { type: 'create-routing', stableVersion: 'v1' }, 'cart', 'shop');
    expect(steps.map((s) => (s.action === 'create' ? s.object.kind : s.action))).toEqual(['DestinationRule', 'VirtualService']);
    const vs = (steps[1] as { object: VirtualService }).object;
    expect(vs.spec!.http![0]!.route).toEqual([{ destination: { host: 'cart', subset: 'v1' }, weight: 100 }]);
    const error = rejection(() => plan(objects, { type: 'create-routing', stableVersion: 'v9' }, 'cart', 'shop'));
    expect(error.fields?.[0]?.field).toBe('stableVersion');
  });
});

describe('planRestoreSplit', () => {
  const gray = { match: 'all' as const, conditions: [{ on: 'cookie' as const, operator: 'regex' as const, value: cookieRegex('gray', 'true') }] };

  it('puts back the weights and the content rules of an earlier split, rules before the catch-all route', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml');
    const { steps } = plan(objects, { type: 'restore-split', expected: '', weights: { v1: 90, v2: 10, v3: 0 }, rules: [{ version: 'v2', policy: gray }] });
    const vs = replaced<VirtualService>(steps, 'VirtualService');
    expect(vs.spec!.http).toHaveLength(2);
    expect(vs.spec!.http![0]).toMatchObject({ match: [{ headers: { cookie: { regex: cookieRegex('gray', 'true') } } }], route: [{ destination: { subset: 'v2' } }] });
    expect(vs.spec!.http![1]!.route!.map((r) => [r.destination.subset, r.weight])).toEqual([
      ['v1', 90],
      ['v2', 10],
    ]);
    const after = readRelease([...objects.filter((o) => o.kind !== 'VirtualService'), vs]);
    expect(after.versions.find((v) => v.name === 'v2')!.rules.map((rule) => rule.policy)).toEqual([gray]);
  });

  it('removes the content rules the console manages when the earlier split had none', () => {
    const objects = reviewsObjects('virtual-service-reviews-test-v2.yaml');
    expect(readRelease(objects).versions.some((v) => v.rules.length > 0)).toBe(true);
    const { steps } = plan(objects, { type: 'restore-split', expected: '', weights: { v1: 100 }, rules: [] });
    const after = readRelease([...objects.filter((o) => o.kind !== 'VirtualService'), replaced<VirtualService>(steps, 'VirtualService')]);
    expect(after.versions.flatMap((v) => v.rules)).toEqual([]);
    expect(Object.fromEntries(after.versions.map((v) => [v.name, v.weight]))).toMatchObject({ v1: 100 });
  });

  it('refuses a rule to a version with no ready endpoint, naming the rule', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml', { v1: 1, v2: 1, v3: 0 });
    const error = rejection(() => plan(objects, { type: 'restore-split', expected: '', weights: { v1: 100 }, rules: [{ version: 'v3', policy: gray }] }));
    expect(error.fields).toMatchObject([{ field: 'rules.0.version', message: '"v3" has no ready endpoint' }]);
  });
});

describe('Istio’s analysis on the objects', () => {
  it('shows what Weir has no check for, leaves out what Weir says itself and what is the analyzer’s blind spot (VMs)', () => {
    const objects = reviewsObjects('virtual-service-reviews-80-20.yaml').map((object) =>
      object.kind === 'VirtualService'
        ? { ...object, status: { validationMessages: [{ level: 'WARNING', type: { code: 'IST0131' }, documentationUrl: 'https://istio.io/docs/ist0131/' }, { level: 'ERROR', type: { code: 'IST0101' } }] } }
        : object,
    );
    const view = readRelease(objects);
    expect(view.validations.filter((v) => v.code === 'istio-analysis')).toEqual([
      { code: 'istio-analysis', severity: 'warning', subject: 'IST0131', kind: 'VirtualService reviews', url: 'https://istio.io/docs/ist0131/' },
      // IST0101 is the same problem as Weir's route-to-missing-version, which Weir does not see here: shown too.
      { code: 'istio-analysis', severity: 'error', subject: 'IST0101', kind: 'VirtualService reviews', url: undefined },
    ]);
  });
});

describe('mirroring (planSetMirror)', () => {
  const withRoute = (objects: KubernetesObject[], patch: Record<string, unknown>) =>
    objects.map((o) => (o.kind === 'VirtualService' ? ({ ...o, spec: { ...(o as VirtualService).spec, http: [{ ...(o as VirtualService).spec!.http![0]!, ...patch }] } } as KubernetesObject) : o));

  it('reads a mirror and its percentage (none is 100%), or a mirrors list of one, as a version of the service', () => {
    const base = reviewsObjects('virtual-service-reviews-80-20.yaml');
    expect(readRelease(withRoute(base, { mirror: { host: 'reviews', subset: 'v3' }, mirrorPercentage: { value: 25 } })).mirror).toEqual({ version: 'v3', percent: 25 });
    expect(readRelease(withRoute(base, { mirror: { host: 'reviews.default.svc.cluster.local', subset: 'v3' } })).mirror).toEqual({ version: 'v3', percent: 100 });
    expect(readRelease(withRoute(base, { mirrors: [{ destination: { host: 'reviews', subset: 'v2' }, percentage: { value: 5 } }] })).mirror).toEqual({ version: 'v2', percent: 5 });
    // Another host's mirror is not the console's to edit; it stays a field the route carries.
    expect(readRelease(withRoute(base, { mirror: { host: 'ratings', subset: 'v1' } })).mirror).toBeUndefined();
    // A mirror is part of what the console owns: a change to it changes the split etag.
    expect(readRelease(withRoute(base, { mirror: { host: 'reviews', subset: 'v3' } })).splitEtag).not.toBe(readRelease(base).splitEtag);
  });

  it('mirrors a share of the managed route to a version, keeping its weights and other fields, then stops', () => {
    const base = withRoute(reviewsObjects('virtual-service-reviews-80-20.yaml'), { timeout: '3s' });
    const { steps } = plan(base, { type: 'set-mirror', expected: 'x', version: 'v3', percent: 50 });
    const vs = replaced<VirtualService>(steps, 'VirtualService');
    expect(vs.spec!.http![0]).toEqual({ ...vsOf(base).spec!.http![0]!, mirror: { host: 'reviews', subset: 'v3' }, mirrorPercentage: { value: 50 } });
    const mirrored = withRoute(base, { mirror: { host: 'reviews', subset: 'v3' }, mirrorPercentage: { value: 50 } });
    const stopped = replaced<VirtualService>(plan(mirrored, { type: 'set-mirror', expected: 'x', version: null, percent: 100 }).steps, 'VirtualService');
    expect(stopped.spec!.http![0]).toEqual(vsOf(base).spec!.http![0]);
  });

  it('refuses to mirror to a version with no ready endpoint or none at all, naming the field', () => {
    const base = reviewsObjects('virtual-service-reviews-80-20.yaml', { v1: 1, v2: 1, v3: 0 });
    expect(rejection(() => plan(base, { type: 'set-mirror', expected: 'x', version: 'v3', percent: 100 })).fields).toEqual([expect.objectContaining({ field: 'version', code: 'field.notReady' })]);
    expect(rejection(() => plan(base, { type: 'set-mirror', expected: 'x', version: 'v9', percent: 100 })).fields?.[0]).toMatchObject({ field: 'version' });
  });

  it('drops the mirror when its version takes over all traffic or is deleted, and keeps it otherwise', () => {
    const mirrored = withRoute(reviewsObjects('virtual-service-reviews-80-20.yaml'), { mirror: { host: 'reviews', subset: 'v3' } });
    const takenOver = replaced<VirtualService>(plan(mirrored, { type: 'take-over', expected: 'x', version: 'v3' }).steps, 'VirtualService');
    expect(takenOver.spec!.http![0]!.mirror).toBeUndefined();
    const byOther = replaced<VirtualService>(plan(mirrored, { type: 'take-over', expected: 'x', version: 'v1' }).steps, 'VirtualService');
    expect(byOther.spec!.http![0]!.mirror).toEqual({ host: 'reviews', subset: 'v3' });
    const deleted = replaced<VirtualService>(plan(mirrored, { type: 'delete-version', expected: 'x', version: 'v3', keepWorkload: false }).steps, 'VirtualService');
    expect(deleted.spec!.http![0]!.mirror).toBeUndefined();
  });
});

describe('session affinity (planSetSticky)', () => {
  const objects = reviewsObjects('virtual-service-reviews-80-20.yaml');
  const cookie = { name: 'weir-release', maxAge: 600 };
  const sticky = (from = objects) => replaced<VirtualService>(plan(from, { type: 'set-sticky', expected: 'x', version: 'v2', cookie }).steps, 'VirtualService');
  const asObjects = (vs: VirtualService) => objects.map((o) => (o.kind === 'VirtualService' ? vs : o));

  it("puts the cookie on v2's answers and a rule for requests carrying it before the weighted route, keeping the weights", () => {
    const vs = sticky();
    const [rule, weighted] = vs.spec!.http!;
    expect(rule).toEqual({ match: [{ headers: { cookie: { regex: '^(.*?;\\s*)?(weir-release=v2)(;.*)?$' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] });
    expect(weighted!.route).toEqual([
      { destination: { host: 'reviews', subset: 'v1' }, weight: 80 },
      { destination: { host: 'reviews', subset: 'v2' }, weight: 20, headers: { response: { add: { 'Set-Cookie': 'weir-release=v2; Max-Age=600; Path=/' } } } },
    ]);
    // Read back: the affinity, v2's rule, and a split etag of its own (a change to it is the console's to guard).
    const view = readRelease(asObjects(vs));
    expect(view.sticky).toEqual({ version: 'v2', cookie: 'weir-release', maxAge: 600 });
    expect(view.versions.find((v) => v.name === 'v2')!.rules).toHaveLength(1);
    expect(view.splitEtag).not.toBe(readRelease(objects).splitEtag);
  });

  it('changes nothing when set again, and keeps it through a weight change', () => {
    const once = asObjects(sticky());
    expect(plan(once, { type: 'set-sticky', expected: 'x', version: 'v2', cookie }).steps).toEqual([]);
    const moved = replaced<VirtualService>(plan(once, { type: 'set-weights', expected: 'x', weights: { v1: 50, v2: 50, v3: 0 } }).steps, 'VirtualService');
    expect(readRelease(asObjects(moved)).sticky).toEqual({ version: 'v2', cookie: 'weir-release', maxAge: 600 });
  });

  it('removes the cookie and its rule, and only those, leaving the route as it was', () => {
    const lifted = replaced<VirtualService>(plan(asObjects(sticky()), { type: 'set-sticky', expected: 'x', version: 'v2', cookie: null }).steps, 'VirtualService');
    expect(lifted.spec!.http).toEqual(vsOf(objects).spec!.http);
  });

  it('refuses a version with no weight, or one with a content rule of its own, naming the field', () => {
    expect(rejection(() => plan(objects, { type: 'set-sticky', expected: 'x', version: 'v3', cookie })).fields).toEqual([expect.objectContaining({ field: 'version', code: 'field.stickyNoWeight' })]);
    const policy = { match: 'all' as const, conditions: [{ on: 'header' as const, name: 'end-user', operator: 'exact' as const, value: 'jason' }] };
    const ruled = asObjects(replaced<VirtualService>(plan(objects, { type: 'set-content-rule', expected: 'x', version: 'v2', policy }).steps, 'VirtualService'));
    expect(rejection(() => plan(ruled, { type: 'set-sticky', expected: 'x', version: 'v2', cookie })).fields).toEqual([expect.objectContaining({ field: 'version', code: 'field.stickyWithRules' })]);
  });
});
