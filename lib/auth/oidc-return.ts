import 'server-only';
import { LOCALE_COOKIE, negotiateLocale, translate } from '@/lib/i18n/messages';
import { safeReturnPath } from './return-path';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The callback's answer: a page that moves on to `next` (a path on this site) by itself. A 302 would not do: the navigation began at the
 * provider's site, so the browser would withhold the new SameSite=Strict session cookie from the page it lands on.
 */
export function returnPage(next: string, request: Request): Response {
  // Checked when the sign-in started; checked again here, so no caller can hand this page another site.
  const target = safeReturnPath(next);
  const saved = new RegExp(`(?:^|;\\s*)${LOCALE_COOKIE}=([^;]*)`).exec(request.headers.get('cookie') ?? '')?.[1];
  const locale = negotiateLocale(saved === undefined ? undefined : decodeURIComponent(saved), request.headers.get('accept-language'));
  const href = escapeHtml(target);
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Weir</title></head><body><p><a href="${href}">${escapeHtml(translate(locale, 'auth.ssoContinue'))}</a></p></body></html>`;
  return new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
}
