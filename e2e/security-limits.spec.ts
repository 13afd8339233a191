import { request as httpRequest } from 'node:http';
import { expect, test } from './support/test';

/**
 * Issue 15, items 3 and 6, through the production server: a chunked upload to the login route is cut off with
 * 413 after about 20 KiB, and a second tab's change stream ends the moment the user signs out in the first.
 */

/** Uploads up to `size` bytes in chunked encoding, a chunk at a time; answers the status and what had been written when it came. */
function chunkedUpload(path: string, size: number): Promise<{ status: number; writtenAtResponse: number }> {
  const url = new URL(path, process.env.WEIR_E2E_BASE_URL);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const upload = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', origin: url.origin, 'transfer-encoding': 'chunked' } }, (response) => {
      answered = true;
      resolve({ status: response.statusCode ?? 0, writtenAtResponse: written });
      response.resume();
      upload.destroy();
    });
    upload.on('error', (error) => (answered ? undefined : reject(error)));
    const chunk = Buffer.alloc(8 * 1024, 'a');
    const next = () => {
      if (answered || upload.destroyed) return;
      if (written >= size) return upload.end();
      written += chunk.length;
      if (upload.write(chunk)) setTimeout(next, 1);
      else upload.once('drain', next);
    };
    upload.write('{"strategy":"token","token":"');
    next();
  });
}

test('a chunked upload to the login route is answered 413 long before it ends', async () => {
  const { status, writtenAtResponse } = await chunkedUpload('/api/auth/login', 64 * 1024 * 1024);
  console.log(`413 after ${writtenAtResponse} bytes of a 64 MiB chunked upload`);
  expect(status).toBe(413);
  expect(writtenAtResponse).toBeLessThan(2 * 1024 * 1024);
});

test.describe('signed in in two tabs', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('signing out in one tab ends the change stream of the other at once', async ({ context, page }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: 'Sign in as bob' }).click();
    await expect(page.getByTestId('signed-in-user')).toHaveText('Signed in as bob');
    const other = await context.newPage();
    await other.goto('/services');
    // Bindings outlive the page's own reaction to the sign-out (it goes to the sign-in page).
    let ready!: () => void;
    let signedOut!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const ended = new Promise<void>((resolve) => (signedOut = resolve));
    await other.exposeFunction('weirStreamReady', () => ready());
    await other.exposeFunction('weirStreamSignedOut', () => signedOut());
    await other.evaluate(() => {
      const page = window as unknown as { weirStreamReady: () => void; weirStreamSignedOut: () => void };
      const source = new EventSource('/api/events');
      source.addEventListener('ready', () => page.weirStreamReady());
      source.addEventListener('signed-out', () => {
        source.close();
        page.weirStreamSignedOut();
      });
    });
    await isReady;
    const started = Date.now();
    await page.getByRole('button', { name: 'Sign out' }).click();
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the other tab’s stream did not end within 10 s')), 10_000));
    await Promise.race([ended, late]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
