/**
 * `node dev/sandbox/cli.ts up DIR` starts the sandbox in DIR and prints its facts as shell variables;
 * `node dev/sandbox/cli.ts down DIR` stops it. `./weir start` drives this.
 */
import { startSandbox, stopSandbox } from './sandbox.ts';
import { SCRAPE_INTERVAL } from './traffic.ts';

const [command, dir] = process.argv.slice(2);
if (!dir || (command !== 'up' && command !== 'down')) {
  process.stderr.write('usage: node dev/sandbox/cli.ts up|down DIR\n');
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
    ].join('\n') + '\n',
  );
} else {
  await stopSandbox({ dir });
}
