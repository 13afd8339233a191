'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { I18nProvider } from '@/components/i18n/i18n-provider';
import type { Catalogue } from '@/lib/i18n/en';
import type { Locale } from '@/lib/i18n/locale';
import { ApiError } from '@/lib/client/api';
import { ChangeStreamListener } from './change-stream-listener';

export function Providers({ locale, messages, children }: { locale: Locale; messages: Catalogue; children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            staleTime: 5_000,
            // A 4xx will not fix itself by asking again.
            retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <ChangeStreamListener />
      <I18nProvider locale={locale} messages={messages}>{children}</I18nProvider>
    </QueryClientProvider>
  );
}
