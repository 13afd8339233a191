import { resolve } from 'node:path';
import { REPO_ROOT } from '../../dev/sandbox/sandbox.ts';

/** Where global setup keeps alice's signed-in browser state (a session cookie; git-ignored). */
export const ALICE_STATE = resolve(REPO_ROOT, '.cache/e2e/alice.json');

/** The console's output during an e2e run. */
export const CONSOLE_LOG = resolve(REPO_ROOT, '.cache/e2e/console.log');
