import type { Metadata } from 'next';
import { cookies, headers } from 'next/headers';
import type { ReactNode } from 'react';
import { Providers } from '@/components/app/providers';
import { LOCALES, LOCALE_COOKIE, negotiateLocale } from '@/lib/i18n/messages';
import './globals.css';

export const metadata: Metadata = {
  title: 'Weir',
  description: 'Gray releases on your service mesh',
  icons: { icon: '/favicon.svg' },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = negotiateLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get('accept-language'));
  return (
    <html lang={locale === 'zh' ? 'zh-CN' : 'en'}>
      <body>
        <Providers locale={locale} messages={LOCALES[locale]}>{children}</Providers>
      </body>
    </html>
  );
}
