/**
 * Runs once when the server starts: parse the configuration now, so a bad setting stops the server with a
 * message naming it instead of failing the first request (Next logs and carries on after a failed hook; we
 * do not want a console that answers 500 to everyone). Then start the progressive-delivery controller, which
 * hands its Lease over when the server is stopped.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { weirEnv } = await import('./lib/config/env');
  try {
    weirEnv();
  } catch (error) {
    console.error(`[weir] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { startReleaseController, stopReleaseController } = await import('./lib/progressive/run');
  if (!startReleaseController()) return;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stopReleaseController().finally(() => process.exit(0));
    });
  }
}
