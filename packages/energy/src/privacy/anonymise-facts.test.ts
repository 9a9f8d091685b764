import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../prompts/build-prompt';
import { healthyFacts } from '../prompts/fixture-facts';
import type { BuildingFacts } from '../types';
import { anonymiseFacts, anonymiseFreeText, revealText, revealValue } from './anonymise-facts';

const policy = { key: 'test-key-0123456789abcdef', plainColumns: ['numberoffloors'], coordinateColumns: ['latitude', 'longitude'], coordinateDecimals: 1 };

const identified = (): BuildingFacts => {
  const facts = healthyFacts();
  facts.building = {
    ...facts.building,
    buildingId: 'hazel-7',
    siteId: 'Trumpington Campus',
    name: 'Hazel "Old" House',
    notes: 'Contact jane.doe@estates.example.org before any site visit',
    attributes: {
      address: '12 Trumpington Street, Cambridge CB2 1QA',
      contact_email: 'jane.doe@estates.example.org',
      latitude: '52.20034',
      longitude: '0.11702',
      numberoffloors: '5',
    },
  };
  facts.missing = [...facts.missing, { metric: 'weather', reason: "no weather for site 'Trumpington Campus'" }];
  return facts;
};

const REAL = ['hazel-7', 'Trumpington Campus', 'Hazel', 'jane.doe@estates.example.org', '12 Trumpington Street', 'CB2 1QA', '52.20034', '0.11702'];

describe('anonymiseFacts', () => {
  it('the prompt built from anonymised facts holds no identifying value; plain columns and coarse coordinates stay', () => {
    const anonymised = anonymiseFacts(identified(), policy);
    const prompt = buildPrompt('building-diagnostic', anonymised.facts);
    const text = `${prompt.system}\n${prompt.user}`;
    for (const value of REAL) expect(text, value).not.toContain(value);
    expect(text).toContain('"numberoffloors": "5"');
    expect(text).toContain('"latitude": "52.2"');
    expect(text).toContain('"longitude": "0.1"');
    expect(text).toMatch(/no weather for site 'SITE-[A-Z]{10}'/);
    expect(anonymised.fieldsSent).toEqual(
      expect.arrayContaining([
        'building.id (pseudonym)',
        'building.name (pseudonym)',
        'building.notes (pseudonym)',
        'building.metadata.address (pseudonym)',
        'building.metadata.latitude (rounded)',
        'building.metadata.numberoffloors',
      ]),
    );
  });

  it('pseudonyms are stable under one key, differ under another, and carry no digits', () => {
    const first = anonymiseFacts(identified(), policy).facts.building;
    const again = anonymiseFacts(identified(), policy).facts.building;
    const other = anonymiseFacts(identified(), { ...policy, key: 'another-key-0123456789' }).facts.building;
    expect(again.buildingId).toBe(first.buildingId);
    expect(other.buildingId).not.toBe(first.buildingId);
    expect(first.buildingId).toMatch(/^BLDG-[A-Z]{10}$/);
    expect(first.name).toMatch(/^NAME-[A-Z]{10}$/);
  });

  it('revealText maps an answer back, JSON-escaped inside JSON, whatever the case the model wrote', () => {
    const anonymised = anonymiseFacts(identified(), policy);
    const { buildingId, name } = anonymised.facts.building;
    const answer = JSON.stringify({ summary: `${name} (${buildingId!.toLowerCase()}) runs a high baseload.` });
    const revealed = revealText(answer, anonymised.pseudonyms, { json: true });
    expect(JSON.parse(revealed)).toEqual({ summary: 'Hazel "Old" House (hazel-7) runs a high baseload.' });
    expect(revealValue({ findings: [name] }, anonymised.pseudonyms)).toEqual({ findings: ['Hazel "Old" House'] });
  });

  it('free-text prompts: e-mail addresses become pseudonyms and come back', () => {
    const { text, pseudonyms } = anonymiseFreeText('Ask jane.doe@estates.example.org about meter 4.', policy.key);
    expect(text).not.toContain('jane.doe');
    expect(text).toMatch(/Ask EMAIL-[A-Z]{10} about meter 4\./);
    expect(revealText(text, pseudonyms)).toBe('Ask jane.doe@estates.example.org about meter 4.');
  });
});
