import { IntlMessageFormat } from 'intl-messageformat';
import type { MessageKey } from './en';
import type { Locale } from './locale';

/**
 * A message's parameters. A parameter may itself be a coded message (`{ code, params }`): a reason inside a
 * sentence, such as the last failed check inside a rollback's reason. It is rendered first, in the same language.
 */
export type MessageParams = { [name: string]: string | number | Coded };

/** A message as a catalogue code and its parameters, without its text: what code shared with the browser builds. */
export interface Coded {
  code: string;
  params?: MessageParams;
}

/**
 * Something the server said, as a code of the catalogue and its parameters, with the English text beside it for
 * logs and API clients. The browser renders the code in the reader's language (`describe` in the i18n provider).
 */
export interface Said {
  code?: string;
  params?: MessageParams;
  message: string;
}

const compiled = new Map<string, IntlMessageFormat>();
const LANGUAGE_TAG: Record<Locale, string> = { en: 'en', zh: 'zh-CN' };

/**
 * Renders an ICU MessageFormat template (arguments, plurals, numbers) in a locale; compiled once per template.
 * Coded parameters are rendered first with `lookup` (the template of a code in that locale's catalogue); without
 * it, or for a code the catalogue lacks, a coded parameter reads as its code.
 */
export function formatMessage(locale: Locale, template: string, params?: MessageParams, lookup?: (code: string) => string | undefined): string {
  if (!params || !Object.values(params).some((value) => typeof value === 'object')) return formatFlat(locale, template, params as Record<string, string | number> | undefined);
  const flat: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    const nested = typeof value === 'object' ? lookup?.(value.code) : undefined;
    flat[name] = typeof value !== 'object' ? value : nested === undefined ? value.code : formatMessage(locale, nested, value.params, lookup);
  }
  return formatFlat(locale, template, flat);
}

function formatFlat(locale: Locale, template: string, params?: Record<string, string | number>): string {
  const cacheKey = `${locale}\u0000${template}`;
  let format = compiled.get(cacheKey);
  if (!format) {
    format = new IntlMessageFormat(template, LANGUAGE_TAG[locale], undefined, { ignoreTag: true });
    compiled.set(cacheKey, format);
  }
  try {
    return String(format.format(params));
  } catch {
    // A parameter the caller did not pass: the template as it is, rather than an exception in the middle of a page.
    return template;
  }
}

/**
 * A zod message that is a catalogue code: `z.number().min(1, coded('field.atLeast'))`. The issue's own numbers
 * (`minimum`, `maximum`, `expected`, …) become the message's parameters (lib/http/errors `fieldErrors`), so the
 * schema says nothing twice, and the browser's own validation speaks the reader's language like the server's.
 */
export const CODED = '\u2063';
export function coded(code: MessageKey): string {
  return `${CODED}${code}`;
}
