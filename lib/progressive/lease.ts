import 'server-only';
import { ApiException, CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';

/**
 * Leader election on a coordination.k8s.io Lease, the way Kubernetes controllers do it: the holder renews
 * `renewTime` well within `leaseDurationSeconds`; anyone may take a lease whose renewal is older than that.
 * Every write carries the resourceVersion read, so two candidates never both win.
 */
export class LeaseElector {
  private api: CoordinationV1Api;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    readonly name: string,
    readonly identity: string,
    readonly durationSeconds: number,
  ) {
    this.api = kubeConfig.makeApiClient(CoordinationV1Api);
  }

  /** Acquires or renews the lease; true while this process holds it. */
  async tryAcquireOrRenew(now = new Date()): Promise<boolean> {
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 404) throw error;
      return this.write(() => this.api.createNamespacedLease({ namespace: this.namespace, body: this.leaseBody(now, now, 0) }));
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity;
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expired = now.getTime() - renewed > (spec.leaseDurationSeconds ?? this.durationSeconds) * 1000;
    if (holder && holder !== this.identity && !expired) return false;
    const takingOver = holder !== this.identity;
    const acquired = takingOver ? now : spec.acquireTime ? new Date(spec.acquireTime) : now;
    const transitions = (spec.leaseTransitions ?? 0) + (takingOver && holder ? 1 : 0);
    return this.write(() =>
      this.api.replaceNamespacedLease({
        name: this.name,
        namespace: this.namespace,
        body: { ...this.leaseBody(acquired, now, transitions), metadata: { ...lease.metadata, name: this.name, namespace: this.namespace } },
      }),
    );
  }

  /** Gives the lease up (on a clean shutdown), so another replica takes over without waiting for expiry. */
  async release(): Promise<void> {
    try {
      const lease = await this.api.readNamespacedLease({ name: this.name, namespace: this.namespace });
      if (lease.spec?.holderIdentity !== this.identity) return;
      await this.api.replaceNamespacedLease({
        name: this.name,
        namespace: this.namespace,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: undefined, renewTime: undefined } },
      });
    } catch {
      // Expiry hands the lease over anyway.
    }
  }

  private leaseBody(acquired: Date, renewed: Date, transitions: number): V1Lease {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: new V1MicroTime(acquired.getTime()),
        renewTime: new V1MicroTime(renewed.getTime()),
        leaseTransitions: transitions,
      },
    };
  }

  private async write(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      // Another candidate wrote first (409), or created the lease first.
      if (error instanceof ApiException && error.code === 409) return false;
      throw error;
    }
  }
}
