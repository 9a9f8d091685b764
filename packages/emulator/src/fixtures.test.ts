import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator';
import { PRESETS, withBehaviour } from './presets';
import type { Emulator, ModelBehaviourPatch } from './types';

interface Fixture {
  source: string;
  description: string;
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  behaviour?: ModelBehaviourPatch;
  availableModels?: string[];
  expect: { status: number; headers?: string[] };
  response: unknown;
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

const loadFixtures = (): [string, Fixture][] =>
  readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((directory) =>
      readdirSync(join(FIXTURES, directory.name))
        .filter((file) => file.endsWith('.json'))
        .map((file): [string, Fixture] => [`${directory.name}/${file}`, JSON.parse(readFileSync(join(FIXTURES, directory.name, file), 'utf8')) as Fixture]),
    );

/**
 * Key structure of a JSON value: objects keep their keys (sorted) with the structure of each
 * value, arrays the structure of their first element, scalars their type. `null` is kept
 * as `null` and matches any type in `sameStructure`.
 */
const structure = (value: unknown): unknown => {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length === 0 ? [] : [structure(value[0])];
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, structure(record[key])]),
    );
  }
  return typeof value;
};

/** Differences between two structures, as readable paths; empty when they match. */
const differences = (expected: unknown, actual: unknown, path = '$'): string[] => {
  if (expected === null || actual === null) return [];
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return [`${path}: array vs ${JSON.stringify(actual)}`];
    if (expected.length === 0 || actual.length === 0) return [];
    return differences(expected[0], actual[0], `${path}[0]`);
  }
  if (typeof expected === 'object' && typeof actual === 'object') {
    const wanted = expected as Record<string, unknown>;
    const got = actual as Record<string, unknown>;
    const missing = Object.keys(wanted)
      .filter((key) => !(key in got))
      .map((key) => `${path}.${key}: missing`);
    const extra = Object.keys(got)
      .filter((key) => !(key in wanted))
      .map((key) => `${path}.${key}: not in fixture`);
    const nested = Object.keys(wanted)
      .filter((key) => key in got)
      .flatMap((key) => differences(wanted[key], got[key], `${path}.${key}`));
    return [...missing, ...extra, ...nested];
  }
  return expected === actual ? [] : [`${path}: ${String(expected)} vs ${String(actual)}`];
};

describe('responses keep the key structure of the documented fixtures', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ timeScale: 0 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('compares structures strictly', () => {
    expect(differences(structure({ a: 1, b: [{ c: 'x' }] }), structure({ a: 2, b: [{ c: 'y' }] }))).toEqual([]);
    expect(differences(structure({ a: 1 }), structure({ a: '1', d: 2 }))).toEqual(['$.d: not in fixture', '$.a: number vs string']);
    expect(differences(structure({ a: { b: 1 } }), structure({ a: {} }))).toEqual(['$.a.b: missing']);
  });

  const fixtures = loadFixtures();
  it('has fixtures for every provider', () => {
    expect(new Set(fixtures.map(([name]) => name.split('/')[0]))).toEqual(new Set(['ollama', 'openai', 'anthropic', 'gemini']));
  });

  it.each(fixtures)('%s', async (_name, fixture) => {
    emulator.reset();
    emulator.configure({
      defaultModel: withBehaviour(PRESETS.instant, fixture.behaviour),
      availableModels: { emulator: fixture.availableModels ?? null },
    });
    const response = await fetch(`${emulator.url}${fixture.request.path}`, {
      method: fixture.request.method,
      headers: { 'content-type': 'application/json', ...fixture.request.headers },
      body: fixture.request.body === undefined ? undefined : JSON.stringify(fixture.request.body),
    });
    expect(response.status).toBe(fixture.expect.status);
    for (const header of fixture.expect.headers ?? []) expect(response.headers.get(header), header).not.toBeNull();
    const body: unknown = await response.json();
    expect(differences(structure(fixture.response), structure(body))).toEqual([]);
  });
});
