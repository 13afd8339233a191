import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { formatMessage } from './format';
import { en, zh, type MessageKey } from './messages';

type Element = ReturnType<IntlMessageFormat['getAst']>[number];
// The parser's element types (TYPE in @formatjs/icu-messageformat-parser): 0 literal, 7 `#`, 8 tag; the rest are arguments.
const NOT_ARGUMENTS = new Set([0, 7, 8]);

/** The argument names a template uses, plurals' and selects' included (parsing throws on a malformed template). */
function argumentsOf(template: string): string[] {
  const names = new Set<string>();
  const walk = (elements: Element[]) => {
    for (const element of elements) {
      if (!NOT_ARGUMENTS.has(element.type) && 'value' in element && typeof element.value === 'string') names.add(element.value);
      if ('options' in element) for (const option of Object.values(element.options)) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(template, 'en', undefined, { ignoreTag: true }).getAst());
  return [...names].sort();
}

const keys = Object.keys(en) as MessageKey[];

/** English that leaves out an argument on purpose: the API server's own message is shown as it is. */
const ENGLISH_LEAVES_OUT: Partial<Record<MessageKey, string[]>> = { 'server.kubernetes': ['reason'] };

describe('message catalogues', () => {
  it('give every English message a Chinese one, and nothing else', () => {
    expect(Object.keys(zh).sort()).toEqual([...keys].sort());
  });

  it('parse as ICU MessageFormat and take the same arguments in both languages', () => {
    const problems = keys.flatMap((key) => {
      const english = [...argumentsOf(en[key]), ...(ENGLISH_LEAVES_OUT[key] ?? [])].sort();
      const chinese = argumentsOf(zh[key]);
      if (english.join() !== chinese.join()) return [`${key}: en takes {${english.join()}}, zh {${chinese.join()}}`];
      const rendered = formatMessage('zh', zh[key], Object.fromEntries(english.map((name) => [name, 2])));
      return /\{\w+\}/.test(rendered) ? [`${key}: "${rendered}" left a placeholder`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('shows a template whose parameter is missing as it is, instead of throwing in a page', () => {
    expect(formatMessage('en', en['server.versionMissing'], {})).toBe(en['server.versionMissing']);
  });

  it('says plurals the English way and counts the Chinese way', () => {
    expect(formatMessage('en', en['services.count'], { count: 1 })).toBe('1 service');
    expect(formatMessage('en', en['services.count'], { count: 2000 })).toBe('2,000 services');
    expect(formatMessage('zh', zh['services.count'], { count: 2000 })).toBe('共 2,000 个服务');
  });
});
