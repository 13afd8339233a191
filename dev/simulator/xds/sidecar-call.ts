/**
 * How a client calls a Service: to its ClusterIP on its HTTP port, with the Host header a client in the
 * mesh sends (`name.namespace.svc.cluster.local:port`, which every sidecar's virtual hosts match). A
 * ServiceEntry host is called at the entry's first address (else through the wildcard listener of the
 * port, as a client whose DNS names no address of the mesh's would reach it) with `host:port`.
 */
import type { V1ServicePort } from '@kubernetes/client-node';
import type { ClientPod } from '../client-pods.ts';
import type { ServiceEntryPort } from '../istio/types.ts';
import type { ServiceEntryRef, ServiceRef } from '../services.ts';
import type { SidecarCall } from './sidecar-router.ts';

const HTTP_PROTOCOLS = ['http', 'http2', 'grpc', 'grpc-web', 'h2c', 'kubernetes.io/h2c'];

/** Istio's protocol selection: `appProtocol`, else the port name's prefix before `-`. */
function speaksHttp(port: V1ServicePort): boolean {
  const protocol = (port.appProtocol ?? port.name?.split('-')[0] ?? '').toLowerCase();
  return HTTP_PROTOCOLS.includes(protocol);
}

/** A ServiceEntry port declares its protocol outright (HTTP, HTTP2, GRPC, GRPC-Web, TCP, ...). */
function entryPortSpeaksHttp(port: ServiceEntryPort): boolean {
  return HTTP_PROTOCOLS.includes((port.protocol ?? '').toLowerCase());
}

/** The port the synthetic calls go to: the first HTTP one, else the first. */
export function callPort(ref: ServiceRef): number | undefined {
  if (ref.kind === 'ServiceEntry') {
    const ports = (ref.serviceEntry.spec?.ports ?? []).filter((port) => port.number !== undefined);
    return (ports.find(entryPortSpeaksHttp) ?? ports[0])?.number;
  }
  const ports = ref.service.spec?.ports ?? [];
  return (ports.find(speaksHttp) ?? ports[0])?.port;
}

/** The address a ServiceEntry's host is called at: its first address (a range's base address), else '' (none). */
function entryAddress(ref: ServiceEntryRef): string {
  const [address = ''] = ref.serviceEntry.spec?.addresses ?? [];
  // A wider range has no one address of its own: the call goes to its base address, which the range holds.
  return address.split('/')[0] ?? '';
}

/** The call `client` makes to `ref`; none for a service without ports. */
export function sidecarCall(ref: ServiceRef, client: ClientPod): SidecarCall | undefined {
  const port = callPort(ref);
  if (port === undefined) return undefined;
  let clusterIp: string;
  if (ref.kind === 'ServiceEntry') {
    // Without an address the call meets the sidecar's wildcard listener for the port.
    clusterIp = entryAddress(ref);
  } else {
    const ip = ref.service.spec?.clusterIP;
    // A headless Service has no ClusterIP; the call then meets the sidecar's wildcard listener for the port.
    clusterIp = ip && ip !== 'None' ? ip : '';
  }
  return { service: ref, clusterIp, port, authority: `${ref.fqdn}:${port}`, clientIp: client.ip };
}
