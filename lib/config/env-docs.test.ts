import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_KEYS } from './env';

/** Weir's own settings (KUBECONFIG is the usual fallback, documented with WEIR_KUBECONFIG). */
const SETTINGS = ENV_KEYS.filter((key) => key.startsWith('WEIR_'));
/** Settings of `./weir start`, not of the server. */
const LAUNCHER_SETTINGS = ['WEIR_PORT', 'WEIR_SANDBOX_CLUSTERS'];

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));

describe('the configuration documentation', () => {
  it('names every setting in README’s configuration table and in .env.example', () => {
    expect(SETTINGS.length).toBeGreaterThan(20);
    expect(SETTINGS.filter((key) => !table.includes(`\`${key}\``))).toEqual([]);
    expect(SETTINGS.filter((key) => !new RegExp(`^${key}=`, 'm').test(example))).toEqual([]);
  });

  it('documents no setting that Weir does not read', () => {
    const documented = [...table.matchAll(/`(WEIR_[A-Z_]+)`/g), ...example.matchAll(/^(WEIR_[A-Z_]+)=/gm)].map((match) => match[1]!);
    expect([...new Set(documented)].filter((key) => !SETTINGS.includes(key) && !LAUNCHER_SETTINGS.includes(key))).toEqual([]);
  });
});
