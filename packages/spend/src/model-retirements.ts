/**
 * Dated model retirements, kept beside the price snapshot and updated with it. Each row
 * comes from the provider's own deprecation page (read on `checkedOn`); a model named
 * here is reported by `eaio providers check` and at worker start-up: as deprecated
 * before `retiresOn`, as retired (calls fail) from that day on, with the replacement.
 *
 * Sources (read 2026-11-30):
 * - Anthropic: https://platform.claude.com/docs/en/about-claude/model-deprecations
 * - OpenAI: https://developers.openai.com/api/docs/deprecations
 * - Google: https://ai.google.dev/gemini-api/docs/deprecations (and the Firebase AI Logic
 *   notice "Gemini 2.0 Flash and Flash-Lite models were shut down on June 1, 2026")
 */

export interface ModelRetirement {
  /** eaio provider name (`openai`, `anthropic`, `gemini`, …). */
  provider: string;
  /** Every id the model is called by (aliases and dated snapshots). */
  models: string[];
  /** ISO date (UTC) from which requests fail. */
  retiresOn: string;
  /**
   * `false` for a shutdown date the provider publishes as the planned end of a current
   * model (Google lists one for every GA Gemini model), not as a deprecation. @defaultValue true
   */
  deprecated?: boolean;
  /** The provider's recommended replacement, when it names one. */
  replacement?: string;
  /** Page the row was taken from. */
  source: string;
  /** ISO date the page was read. */
  checkedOn: string;
}

export const MODEL_RETIREMENTS_CHECKED_ON = '2026-11-30';

const ANTHROPIC = 'https://platform.claude.com/docs/en/about-claude/model-deprecations';
const OPENAI = 'https://developers.openai.com/api/docs/deprecations';
const GOOGLE = 'https://ai.google.dev/gemini-api/docs/deprecations';

export const MODEL_RETIREMENTS: readonly ModelRetirement[] = [
  {
    provider: 'anthropic',
    models: ['claude-3-5-haiku-latest', 'claude-3-5-haiku-20241022'],
    retiresOn: '2026-02-19',
    replacement: 'claude-haiku-4-5',
    source: ANTHROPIC,
    checkedOn: '2026-11-30',
  },
  {
    provider: 'anthropic',
    models: ['claude-3-5-sonnet-latest', 'claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20240620'],
    retiresOn: '2025-10-22',
    replacement: 'claude-sonnet-4-5',
    source: ANTHROPIC,
    checkedOn: '2026-11-30',
  },
  {
    provider: 'openai',
    models: ['o3-mini', 'o3-mini-2025-01-31', 'o4-mini', 'o4-mini-2025-04-16', 'gpt-4.1-nano', 'gpt-4.1-nano-2025-04-14'],
    retiresOn: '2026-10-23',
    replacement: 'gpt-6-luna',
    source: OPENAI,
    checkedOn: '2026-11-30',
  },
  {
    provider: 'openai',
    models: ['gpt-5-mini', 'gpt-5-mini-2025-08-07', 'gpt-5-nano', 'gpt-5-nano-2025-08-07'],
    retiresOn: '2026-12-11',
    replacement: 'gpt-6-luna',
    source: OPENAI,
    checkedOn: '2026-11-30',
  },
  {
    provider: 'openai',
    models: ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14'],
    retiresOn: '2027-01-14',
    replacement: 'gpt-6-luna',
    source: OPENAI,
    checkedOn: '2026-11-30',
  },
  { provider: 'openai', models: ['gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'], retiresOn: '2027-01-14', source: OPENAI, checkedOn: '2026-11-30' },
  {
    provider: 'gemini',
    models: ['gemini-2.0-flash', 'gemini-2.0-flash-001', 'gemini-2.0-flash-lite', 'gemini-2.0-flash-lite-001'],
    retiresOn: '2026-06-01',
    replacement: 'gemini-3.1-flash-lite',
    source: GOOGLE,
    checkedOn: '2026-11-30',
  },
  // Google's table gives earliest dates: versions of it showed 2026-06-17 for 2.5 Flash; the
  // date announced later for the actual shutdown is 2026-12-01, replacement 3.5 Flash-Lite.
  { provider: 'gemini', models: ['gemini-2.5-flash'], retiresOn: '2026-12-01', replacement: 'gemini-3.5-flash-lite', source: GOOGLE, checkedOn: '2026-11-30' },
  { provider: 'gemini', models: ['gemini-3.1-flash-lite'], retiresOn: '2027-05-07', deprecated: false, source: GOOGLE, checkedOn: '2026-11-30' },
];

/** What the table says about one configured model at one moment. */
export interface RetirementNotice {
  provider: string;
  model: string;
  /**
   * `retired`: on or after `retiresOn` (calls fail); `deprecated`: retirement announced;
   * `scheduled`: a current model with a published end date.
   */
  status: 'retired' | 'deprecated' | 'scheduled';
  retiresOn: string;
  replacement?: string;
  source: string;
  /** One line for logs and `eaio providers check`. */
  message: string;
}

const DAY_MS = 86_400_000;

/**
 * The notice for `provider/model` at `at`, `undefined` when the table names no retirement.
 * A model `@`-suffixed or prefixed `models/` (Gemini listings) is matched by its bare id.
 */
export const retirementNotice = (provider: string, model: string, at: Date, table: readonly ModelRetirement[] = MODEL_RETIREMENTS): RetirementNotice | undefined => {
  const bare = model.replace(/^models\//, '');
  const row = table.find((entry) => entry.provider === provider && entry.models.includes(bare));
  if (!row) return undefined;
  const retiresAt = Date.parse(`${row.retiresOn}T00:00:00Z`);
  const retired = at.getTime() >= retiresAt;
  const use = row.replacement ? `; use ${row.replacement}` : '';
  const days = Math.ceil((retiresAt - at.getTime()) / DAY_MS);
  const inDays = `in ${days} day${days === 1 ? '' : 's'}`;
  const status = retired ? 'retired' : row.deprecated === false ? 'scheduled' : 'deprecated';
  const message =
    status === 'retired'
      ? `${provider}/${bare} was retired on ${row.retiresOn} (requests fail)${use}`
      : status === 'deprecated'
        ? `${provider}/${bare} is deprecated and retires on ${row.retiresOn} (${inDays})${use}`
        : `${provider}/${bare} has a planned shutdown on ${row.retiresOn} (${inDays})${use}`;
  return { provider, model: bare, status, retiresOn: row.retiresOn, replacement: row.replacement, source: row.source, message };
};
