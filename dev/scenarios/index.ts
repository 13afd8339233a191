/**
 * The demo scenarios the sandbox applies (DESIGN.md section 2). Paths are relative to the repository root;
 * `shared:` paths are relative to the shared folder beside it. Fixtures without a namespace go to `namespace`.
 */
export interface Scenario {
  name: string;
  namespace: string;
  files: string[];
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'bookinfo',
    namespace: 'default',
    files: [
      'shared:fixtures/istio-samples/bookinfo.yaml',
      'shared:fixtures/istio-samples/destination-rule-all.yaml',
      'shared:fixtures/istio-samples/virtual-service-all-v1.yaml',
    ],
  },
  { name: 'nginx', namespace: 'demo', files: ['dev/scenarios/nginx-demo.yaml'] },
  { name: 'podinfo', namespace: 'test', files: ['dev/scenarios/podinfo-test.yaml'] },
  { name: 'hybrid-hello', namespace: 'hybrid-hello', files: ['dev/scenarios/hybrid-hello.yaml'] },
  { name: 'my-website (SMI)', namespace: 'my-website', files: ['dev/scenarios/my-website.yaml'] },
  { name: 'helloworld (Gateway API, ambient style)', namespace: 'helloworld', files: ['shared:fixtures/istio-samples/helloworld.yaml', 'dev/scenarios/helloworld-ambient.yaml'] },
];

/**
 * What a second sandbox cluster (`mesh02`, as seed 003 names its clusters) runs: Bookinfo, whose hosts are the same
 * as the first cluster's (rows that only the cluster column tells apart), and podinfo.
 */
export const MESH02_SCENARIOS: Scenario[] = SCENARIOS.filter((scenario) => scenario.name === 'bookinfo' || scenario.name === 'podinfo');
