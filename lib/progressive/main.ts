/**
 * The progressive-delivery controller on its own, without the web console:
 *   node --conditions=react-server --import tsx lib/progressive/main.ts
 * Configured like the console (WEIR_KUBECONFIG, WEIR_PROMETHEUS_URL, WEIR_NAMESPACE, WEIR_LEASE_SECONDS, ...).
 * The console runs the same loop in its server process; this entry lets the tests kill and restart it.
 */
import { startReleaseController, stopReleaseController } from './run';

const controller = startReleaseController();
if (!controller) {
  console.error('[weir] WEIR_CONTROLLER is off; nothing to run');
  process.exit(2);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void stopReleaseController().finally(() => process.exit(0));
  });
}
