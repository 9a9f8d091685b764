import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_VARIABLES, loadConfig } from '@eaio/core';

/** `${NAME:-default}` entries of the apps' environment in docker-compose.yml. */
const composeDefaults = (): Map<string, string> => {
  const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as Record<string, unknown>;
  const env = compose['x-eaio-env'] as Record<string, string>;
  expect(env, 'docker-compose.yml has an x-eaio-env block').toBeTypeOf('object');
  const defaults = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    const match = /^\$\{(\w+):-(.*)\}$/.exec(String(value).trim());
    if (match && match[1] === name && match[2] !== '') defaults.set(name, match[2]);
  }
  return defaults;
};

const at = (object: unknown, path: string): unknown => path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], object);

describe('docker-compose.yml environment defaults', () => {
  it("equal the app's own defaults for every eaio setting they name (no stack sends unlabelled work elsewhere than the app would)", () => {
    const defaults = composeDefaults();
    const app = loadConfig({ env: {} });
    let compared = 0;
    for (const variable of ENV_VARIABLES) {
      const value = defaults.get(variable.name);
      if (value === undefined || !variable.path) continue;
      const composed = loadConfig({ env: { [variable.name]: value } });
      expect(at(composed, variable.path), `${variable.name}: compose's default ${value} vs the app's`).toEqual(at(app, variable.path));
      compared += 1;
    }
    expect(defaults.get('DEFAULT_PRIVACY_LEVEL')).toBe('PRIVATE');
    expect(compared).toBeGreaterThanOrEqual(5);
  });
});
