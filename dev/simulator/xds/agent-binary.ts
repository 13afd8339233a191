/**
 * The xDS agent's binary: built once per version of its sources by ../xds-agent/build.sh into the
 * repository's git-ignored .cache, and found there again on the next start.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BUILD_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../xds-agent/build.sh');

/** The path of the agent's binary, building it first when these sources were never built. */
export async function agentBinary(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(BUILD_SCRIPT, [], { maxBuffer: 1024 * 1024 });
    return stdout.trim().split('\n').at(-1)!;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`cannot build the xDS agent (${BUILD_SCRIPT}): ${stderr?.trim() || message}`);
  }
}
