/**
 * `node dev/sandbox/cli.ts up DIR` starts the sandbox in DIR and prints its facts as shell variables;
 * `node dev/sandbox/cli.ts up-second DIR FIRST_DIR` starts a second cluster, `mesh02`, of the same people (admin,
 * alice and bob keep their tokens; victor is unknown there) and prints what the console needs for both;
 * `node dev/sandbox/cli.ts down DIR` stops one. `./weir start` drives this.
 */
import { join } from 'node:path';
import { MESH02_SCENARIOS } from '../scenarios/index.ts';
import { describeSandbox, startSandbox, stopSandbox, writeMultiClusterKubeconfig } from './sandbox.ts';
import { SCRAPE_INTERVAL } from './traffic.ts';

const [command, dir, firstDir] = process.argv.slice(2);
if (!dir || (command !== 'up' && command !== 'down' && command !== 'up-second') || (command === 'up-second' && !firstDir)) {
  process.stderr.write('usage: node dev/sandbox/cli.ts up|down DIR, or up-second DIR FIRST_DIR\n');
  process.exit(2);
}

if (command === 'up') {
  const sandbox = await startSandbox({ dir });
  process.stdout.write(
    [
      `WEIR_SANDBOX_DIR=${sandbox.dir}`,
      `WEIR_SANDBOX_KUBECONFIG=${sandbox.kubeconfig}`,
      `WEIR_KUBECONFIG=${sandbox.consoleKubeconfig}`,
      `WEIR_DEV_KUBECONFIG=${sandbox.kubeconfig}`,
      `WEIR_APISERVER_URL=${sandbox.apiServerUrl}`,
      `WEIR_APISERVER_VERSION=${sandbox.apiServerVersion}`,
      `WEIR_PROMETHEUS_URL=${sandbox.prometheusUrl}`,
      `WEIR_PROMETHEUS_SCRAPE_INTERVAL=${SCRAPE_INTERVAL}`,
      `WEIR_SANDBOX_SIMULATOR_URL=${sandbox.simulatorUrl}`,
    ].join('\n') + '\n',
  );
} else if (command === 'up-second') {
  const first = describeSandbox(firstDir!, '');
  const second = await startSandbox({ dir, name: 'mesh02', sameUsersAs: first, scenarios: MESH02_SCENARIOS });
  const kubeconfig = writeMultiClusterKubeconfig([first, second], join(dir, 'clusters.kubeconfig'));
  process.stdout.write(
    [`WEIR_KUBECONFIG=${kubeconfig}`, `WEIR_PROMETHEUS_URLS='${JSON.stringify({ mesh02: second.prometheusUrl })}'`, `WEIR_SECOND_APISERVER_URL=${second.apiServerUrl}`].join('\n') + '\n',
  );
} else {
  await stopSandbox({ dir });
}
