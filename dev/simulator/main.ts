/**
 * `node --import tsx dev/simulator/main.ts --kubeconfig PATH [--context admin] [--istiod-xds HOST:PORT]
 *  [--port 0] [--rate 200] [--gray-share 0.1] [--service ns/name ...] [--stop-when-missing FILE]` (plain
 *  `node` runs it too: it imports only its own files, by their `.ts` names, and npm packages).
 * Flags win over the environment: WEIR_SIM_KUBECONFIG (or KUBECONFIG), WEIR_SIM_CONTEXT, WEIR_SIM_ISTIOD_XDS,
 * WEIR_SIM_PORT, WEIR_SIM_RATE, WEIR_SIM_GRAY_SHARE. Without --istiod-xds / WEIR_SIM_ISTIOD_XDS, istiod is the
 * sandbox's: WEIR_ISTIOD_XDS in sandbox.env beside the kubeconfig; with none known, it exits at once.
 * Prints `listening on URL` once the watches have synced and istiod's first config is in.
 */
import { parseArgs } from 'node:util';
import { istiodXdsAddress } from './istiod-address.ts';
import { startSimulator } from './simulator.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string', default: process.env.WEIR_SIM_KUBECONFIG ?? process.env.KUBECONFIG },
    context: { type: 'string', default: process.env.WEIR_SIM_CONTEXT },
    'istiod-xds': { type: 'string' },
    port: { type: 'string', default: process.env.WEIR_SIM_PORT ?? '0' },
    rate: { type: 'string', default: process.env.WEIR_SIM_RATE ?? '200' },
    'gray-share': { type: 'string', default: process.env.WEIR_SIM_GRAY_SHARE ?? '0.1' },
    service: { type: 'string', multiple: true },
    'stop-when-missing': { type: 'string' },
  },
});

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n`);
  process.exit(2);
}

function numberFlag(name: string, value: string | undefined, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) fail(`--${name} must be a number from ${min} to ${max}, got "${value}"`);
  return parsed;
}

if (!values.kubeconfig) fail('--kubeconfig (or WEIR_SIM_KUBECONFIG / KUBECONFIG) is required');
const istiod = istiodXdsAddress(values['istiod-xds'], process.env, values.kubeconfig);
if ('problem' in istiod) fail(istiod.problem);

const simulator = await startSimulator({
  kubeconfig: values.kubeconfig,
  context: values.context,
  istiodXds: istiod.address,
  port: numberFlag('port', values.port, 0, 65535),
  rate: numberFlag('rate', values.rate, 0, 1_000_000),
  grayShare: numberFlag('gray-share', values['gray-share'], 0, 1),
  services: values.service,
  stopWhenMissing: values['stop-when-missing'],
});
process.stdout.write(`listening on ${simulator.url}\n`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void simulator.stop().finally(() => process.exit(0)));
}
