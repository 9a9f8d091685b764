import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputIssueKind } from '../input/input-issue';

/** One bad meter file, the issue kinds reading it must report, and the buildings that must still come through. */
export interface BadInputFixture {
  file: string;
  content: string;
  expectedKinds: InputIssueKind[];
  validBuildings: string[];
}

const header = 'building_id,timestamp,kwh\n';
const good = (buildingId: string, hours = 3): string => Array.from({ length: hours }, (_, hour) => `${buildingId},2019-01-01T0${hour}:00:00Z,${(10 + hour).toFixed(1)}\n`).join('');

/** Metadata for the fixtures: b1 and b2 are known, b99 is not. */
export const BAD_FIXTURE_METADATA = 'building_id,site_id,primaryspaceusage,sqm,timezone\nb1,s1,Office,1000,Europe/London\nb2,s1,Office,,Europe/London\n';

export const BAD_INPUT_FIXTURES: BadInputFixture[] = [
  { file: 'wrong-header.csv', content: 'id,time,energy\nb1,2019-01-01T00:00:00Z,1.0\n', expectedKinds: ['wrong-header'], validBuildings: [] },
  { file: 'empty.csv', content: '', expectedKinds: ['empty-file'], validBuildings: [] },
  { file: 'header-only.csv', content: header, expectedKinds: ['empty-file'], validBuildings: [] },
  {
    file: 'non-numeric.csv',
    content: `${header}${good('b1')}b2,2019-01-01T00:00:00Z,abc\nb2,2019-01-01T01:00:00Z,1.5\n`,
    expectedKinds: ['non-numeric'],
    validBuildings: ['b1', 'b2'],
  },
  {
    file: 'negative.csv',
    content: `${header}${good('b1')}b2,2019-01-01T00:00:00Z,-4.0\nb2,2019-01-01T01:00:00Z,2.0\n`,
    expectedKinds: ['negative-reading'],
    validBuildings: ['b1', 'b2'],
  },
  {
    file: 'duplicate-timestamp.csv',
    content: `${header}${good('b1')}b1,2019-01-01T01:00:00Z,99.0\n${good('b2')}`,
    expectedKinds: ['duplicate-timestamp'],
    validBuildings: ['b1', 'b2'],
  },
  { file: 'unknown-building.csv', content: `${header}${good('b1')}${good('b99')}`, expectedKinds: ['unknown-building'], validBuildings: ['b1', 'b99'] },
  {
    file: 'bad-timestamp.csv',
    content: `${header}${good('b1')}b2,2019-13-01T00:00:00Z,1.0\nb2,yesterday,1.0\nb2,2019-01-01T00:30:00Z,1.0\nb2,2019-01-01T02:00:00Z,1.0\n`,
    expectedKinds: ['bad-timestamp'],
    validBuildings: ['b1', 'b2'],
  },
  { file: 'truncated-last-line.csv', content: `${header}${good('b1')}${good('b2', 2)}b2,2019-01-01T02:00`, expectedKinds: ['truncated-line'], validBuildings: ['b1', 'b2'] },
  {
    file: 'unusable-building.csv',
    content: `${header}${good('b1')}b2,2019-01-01T00:00:00Z,n/a\nb2,2019-01-01T01:00:00Z,n/a\n`,
    expectedKinds: ['non-numeric', 'unusable-building'],
    validBuildings: ['b1'],
  },
  {
    file: 'wide-with-problems.csv',
    content: 'timestamp,b1,b2\n2019-01-01T00:00:00Z,1.0,2.0\n2019-01-01T01:00:00Z,1.1,x\n2019-01-01T01:00:00Z,1.2,2.2\nnot-a-time,1,1\n2019-01-01T03:00:00Z,1.3',
    expectedKinds: ['non-numeric', 'duplicate-timestamp', 'bad-timestamp', 'truncated-line'],
    validBuildings: ['b1', 'b2'],
  },
];

/** Writes every bad-input fixture and `metadata.csv` into `dir` (the committed copies live in `packages/energy/fixtures/bad/`). */
export const writeBadInputFixtures = async (dir: string): Promise<BadInputFixture[]> => {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'metadata.csv'), BAD_FIXTURE_METADATA);
  for (const fixture of BAD_INPUT_FIXTURES) await writeFile(join(dir, fixture.file), fixture.content);
  return BAD_INPUT_FIXTURES;
};
