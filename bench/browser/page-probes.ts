/**
 * Probes installed in the page before its own scripts run (Playwright's addInitScript). They watch the DOM
 * with a MutationObserver and note `performance.now()` (milliseconds since navigation start) when a
 * condition first holds, then one frame later — when the browser has had the chance to paint it.
 */

declare global {
  interface Window {
    __weirBenchReady?: Promise<{ domAt: number; paintAt: number }>;
    __weirBenchWatch?: (selector: string, pattern: string) => Promise<number>;
  }
}

/** P2: the services count shows `expected` and the first `firstRows` rows (with their links) are on screen. */
export function installReadyProbe({ expected, firstRows }: { expected: number; firstRows: number }): void {
  window.__weirBenchReady = new Promise((resolve) => {
    const check = (): boolean => {
      const count = document.querySelector('[data-testid="service-count"]');
      if (!count || (count.textContent ?? '').replace(/\D/g, '') !== String(expected)) return false;
      const links = document.querySelectorAll('[role="row"] a');
      if (links.length < firstRows) return false;
      const top = links[0]!.getBoundingClientRect().top;
      return top >= 0 && top < window.innerHeight;
    };
    const observer = new MutationObserver(() => {
      if (!check()) return;
      observer.disconnect();
      const domAt = performance.now();
      requestAnimationFrame(() => setTimeout(() => resolve({ domAt, paintAt: performance.now() })));
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  });
}

/**
 * P3: `__weirBenchWatch(selector, pattern)` resolves with the wall-clock time (timeOrigin + now, the same
 * clock the bench's Node process reads) one frame after an element matching `selector` shows text matching
 * `pattern`.
 */
export function installWatchProbe(): void {
  window.__weirBenchWatch = (selector, pattern) =>
    new Promise((resolve) => {
      const regex = new RegExp(pattern);
      const holds = () => [...document.querySelectorAll(selector)].some((element) => regex.test(element.textContent ?? ''));
      const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.timeOrigin + performance.now())));
      if (holds()) return done();
      const observer = new MutationObserver(() => {
        if (!holds()) return;
        observer.disconnect();
        done();
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    });
}
