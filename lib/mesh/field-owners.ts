import type { KubernetesObject } from '@kubernetes/client-node';
import { gitOpsManager } from './gitops';

/*
 * Who owns the fields a change would write, from the object's `metadata.managedFields`: the API server records,
 * per field manager, a trie of the fields it set (`fieldsV1`). A change that rewrites a field a GitOps or
 * delivery controller set is undone at its next sync, so the console warns before it and the progressive
 * controller refuses to drive such a service.
 */

/** The tools the console recognises by their field manager names. */
export type OwnerTool = 'argocd' | 'flux' | 'flagger' | 'rollouts' | 'kubevela' | 'helm' | 'kubectl' | 'weir' | 'other';

/** Tools that put an object back to what they hold: a direct write to a field they own is reverted. */
const REVERTING: ReadonlySet<OwnerTool> = new Set(['argocd', 'flux', 'flagger', 'rollouts', 'kubevela']);

/** The field manager Weir writes with (lib/k8s/apply-plan.ts). */
export const WEIR_FIELD_MANAGER = 'weir';

const MANAGERS: Record<string, OwnerTool> = {
  'argocd-controller': 'argocd',
  'argocd-application-controller': 'argocd',
  'kustomize-controller': 'flux',
  'helm-controller': 'flux',
  flagger: 'flagger',
  'argo-rollouts': 'rollouts',
  kubevela: 'kubevela',
  'vela-core': 'kubevela',
  helm: 'helm',
  [WEIR_FIELD_MANAGER]: 'weir',
};

/** Which tool a field manager name is. */
export function toolOfManager(manager: string): OwnerTool {
  if (MANAGERS[manager]) return MANAGERS[manager];
  if (manager === 'kubectl' || manager.startsWith('kubectl-')) return 'kubectl';
  return 'other';
}

/** Whether a tool reverts direct edits of the fields it owns. */
export function reverts(tool: OwnerTool): boolean {
  return REVERTING.has(tool);
}

/** A manager that owns some of the fields a change writes. */
export interface FieldOwner {
  tool: OwnerTool;
  /** The field manager as the API server recorded it. */
  manager: string;
  /** Whether its next sync puts the fields back. */
  reverts: boolean;
  /** The changed fields it owns, as paths (`spec.http[1].route[0].weight`); empty when the whole object goes. */
  fields: string[];
}

type Trie = { [key: string]: Trie };
type Segment = { key: string } | { index: number; elements: unknown[] };

/** Metadata the API server keeps; a change to it is nobody's field. */
const SERVER_METADATA = new Set(['resourceVersion', 'managedFields', 'generation', 'uid', 'creationTimestamp', 'selfLink']);

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => equal(item, b[index]));
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((key) => a[key] !== undefined || b[key] !== undefined));
    return [...keys].every((key) => equal(a[key], b[key]));
  }
  return false;
}

/** The paths of the leaves that differ between two versions of a value (a map key or list position per step). */
function changedPaths(before: unknown, after: unknown, path: Segment[] = [], out: Segment[][] = []): Segment[][] {
  if (equal(before, after)) return out;
  if (isMap(before) && isMap(after)) {
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (path.length === 0 && key === 'status') continue;
      if (path.length === 1 && 'key' in path[0]! && path[0].key === 'metadata' && SERVER_METADATA.has(key)) continue;
      changedPaths(before[key], after[key], [...path, { key }], out);
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let index = 0; index < Math.max(before.length, after.length); index += 1) {
      const elements = [before[index], after[index]].filter((element) => element !== undefined);
      changedPaths(before[index], after[index], [...path, { index, elements }], out);
    }
    return out;
  }
  out.push(path);
  return out;
}

/** The child of a list's trie node for one element: by its key fields (`k:`), its value (`v:`) or its position (`i:`). */
function elementChild(node: Trie, segment: { index: number; elements: unknown[] }): Trie | undefined {
  for (const [name, child] of Object.entries(node)) {
    const tag = name.slice(0, 2);
    const body = name.slice(2);
    if (tag === 'i:' && Number(body) === segment.index) return child;
    if (tag !== 'k:' && tag !== 'v:') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      continue;
    }
    const matches = (element: unknown) =>
      tag === 'v:' ? equal(parsed, element) : isMap(parsed) && isMap(element) && Object.entries(parsed).every(([key, value]) => equal(element[key], value));
    if (segment.elements.some(matches)) return child;
  }
  return undefined;
}

/**
 * Whether a manager's fields cover a path: the path runs into a leaf of its trie (a scalar, an atomic list or
 * map it set as a whole), or ends at a node of it (the change rewrites a subtree holding its fields).
 */
function covers(node: Trie, path: Segment[]): boolean {
  let current = node;
  for (const segment of path) {
    // `{}` is a leaf; `{'.': {}}` marks only that the map or element exists, not what is in it.
    if (Object.keys(current).length === 0) return true;
    const child = 'key' in segment ? current[`f:${segment.key}`] : elementChild(current, segment);
    if (!child) return false;
    current = child;
  }
  return true;
}

function pathText(path: Segment[]): string {
  return path.map((segment, index) => ('key' in segment ? `${index === 0 ? '' : '.'}${segment.key}` : `[${segment.index}]`)).join('');
}

/**
 * A GitOps tool that syncs with client-side apply records its fields under kubectl's manager name; the labels
 * and annotations it puts on what it syncs say whose they are.
 */
function attributed(object: KubernetesObject, manager: string): OwnerTool {
  const tool = toolOfManager(manager);
  if (manager === 'kubectl-client-side-apply' || manager === 'before-first-apply') return gitOpsManager(object) ?? tool;
  return tool;
}

/**
 * The managers (other than Weir) that own fields a change from `before` to `after` writes; `after` undefined is
 * a delete, which every manager of the object sees undone. Status subresource entries do not count.
 */
export function fieldOwners(before: KubernetesObject, after: KubernetesObject | undefined): FieldOwner[] {
  const paths = after ? changedPaths(before, after) : [[]];
  if (paths.length === 0) return [];
  const owners = new Map<string, FieldOwner>();
  for (const entry of before.metadata?.managedFields ?? []) {
    const manager = entry.manager ?? '';
    if (manager === WEIR_FIELD_MANAGER || entry.subresource || !isMap(entry.fieldsV1)) continue;
    const trie = entry.fieldsV1 as Trie;
    const owned = paths.filter((path) => covers(trie, path)).map(pathText);
    if (owned.length === 0) continue;
    const tool = attributed(before, manager);
    const owner = owners.get(manager) ?? { tool, manager, reverts: reverts(tool), fields: [] };
    owner.fields = [...new Set([...owner.fields, ...owned.filter((field) => field !== '')])];
    owners.set(manager, owner);
  }
  return [...owners.values()];
}
