import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { istiodXdsAddress } from './istiod-address.ts';

const sandbox = mkdtempSync(join(tmpdir(), 'weir-sim-istiod-'));
const empty = mkdtempSync(join(tmpdir(), 'weir-sim-istiod-'));
writeFileSync(join(sandbox, 'sandbox.env'), "KUBECONFIG=/x\nWEIR_ISTIOD_XDS='127.0.0.1:15010'\nWEIR_ISTIOD_URL=http://127.0.0.1:15014\n");
afterAll(() => [sandbox, empty].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('where istiod is', () => {
  it("takes the flag, then WEIR_SIM_ISTIOD_XDS, then the sandbox's sandbox.env beside the kubeconfig", () => {
    const kubeconfig = join(sandbox, 'kubeconfig');
    expect(istiodXdsAddress('127.0.0.1:1', { WEIR_SIM_ISTIOD_XDS: '127.0.0.1:2' }, kubeconfig)).toEqual({ address: '127.0.0.1:1' });
    expect(istiodXdsAddress(undefined, { WEIR_SIM_ISTIOD_XDS: '127.0.0.1:2' }, kubeconfig)).toEqual({ address: '127.0.0.1:2' });
    expect(istiodXdsAddress(undefined, {}, kubeconfig)).toEqual({ address: '127.0.0.1:15010' });
  });

  it('says what to do when it knows no istiod, or the address is no host:port', () => {
    expect(istiodXdsAddress(undefined, {}, join(empty, 'kubeconfig'))).toEqual({ problem: expect.stringMatching(/no istiod known: .*sandbox\.env has no WEIR_ISTIOD_XDS; pass --istiod-xds/) });
    expect(istiodXdsAddress('istiod', {}, join(sandbox, 'kubeconfig'))).toEqual({ problem: '--istiod-xds must be host:port, got "istiod"' });
  });
});
