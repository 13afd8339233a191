/**
 * How a client calls a Service: to its ClusterIP on its HTTP port, with the Host header a client in the
 * mesh sends (`name.namespace.svc.cluster.local:port`, which every sidecar's virtual hosts match).
 */
import type { V1ServicePort } from '@kubernetes/client-node';
import type { ClientPod } from '../client-pods.ts';
import type { ServiceRef } from '../services.ts';
import type { SidecarCall } from './sidecar-router.ts';

/** Istio's protocol selection: `appProtocol`, else the port name's prefix before `-`. */
function speaksHttp(port: V1ServicePort): boolean {
  const protocol = (port.appProtocol ?? port.name?.split('-')[0] ?? '').toLowerCase();
  return ['http', 'http2', 'grpc', 'grpc-web', 'h2c', 'kubernetes.io/h2c'].includes(protocol);
}

/** The port the synthetic calls go to: the first HTTP one, else the first. */
export function callPort(ref: ServiceRef): number | undefined {
  const ports = ref.service.spec?.ports ?? [];
  return (ports.find(speaksHttp) ?? ports[0])?.port;
}

/** The call `client` makes to `ref`; none for a Service without ports. */
export function sidecarCall(ref: ServiceRef, client: ClientPod): SidecarCall | undefined {
  const port = callPort(ref);
  if (port === undefined) return undefined;
  const clusterIp = ref.service.spec?.clusterIP;
  return {
    service: ref,
    // A headless Service has no ClusterIP; the call then meets the sidecar's wildcard listener for the port.
    clusterIp: clusterIp && clusterIp !== 'None' ? clusterIp : '',
    port,
    authority: `${ref.fqdn}:${port}`,
    clientIp: client.ip,
  };
}
