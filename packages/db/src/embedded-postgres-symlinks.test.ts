import { mkdirSync, mkdtempSync, readlinkSync, readFileSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hydrateEmbeddedPostgresSymlinks } from './embedded-postgres-symlinks';

describe('hydrateEmbeddedPostgresSymlinks', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const fakePackage = () => {
    const dir = mkdtempSync(join(tmpdir(), 'eaio-ep-'));
    made.push(dir);
    mkdirSync(join(dir, 'native', 'lib'), { recursive: true });
    writeFileSync(join(dir, 'native', 'lib', 'libicuuc.so.60.2'), 'library bytes');
    writeFileSync(
      join(dir, 'native', 'pg-symlinks.json'),
      JSON.stringify([
        { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so.60' },
        { source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so' },
        { source: 'native/lib/missing.so.1.0', target: 'native/lib/missing.so' },
      ]),
    );
    return dir;
  };

  it('makes the missing relative links once, and skips links whose file is absent', () => {
    const dir = fakePackage();
    symlinkSync('libicuuc.so.60.2', join(dir, 'native', 'lib', 'libicuuc.so'));
    expect(hydrateEmbeddedPostgresSymlinks(dir)).toEqual(['native/lib/libicuuc.so.60']);
    expect(readlinkSync(join(dir, 'native', 'lib', 'libicuuc.so.60'))).toBe('libicuuc.so.60.2');
    expect(readFileSync(join(dir, 'native', 'lib', 'libicuuc.so.60'), 'utf8')).toBe('library bytes');
    expect(hydrateEmbeddedPostgresSymlinks(dir)).toEqual([]);
  });

  it('does nothing for a package without a symlink list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eaio-ep-'));
    made.push(dir);
    expect(hydrateEmbeddedPostgresSymlinks(dir)).toEqual([]);
  });
});
