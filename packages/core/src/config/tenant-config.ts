import { z } from 'zod';
import { PRIVACY_LEVELS, type PrivacyLevel } from '../types';

/** A tenant name: 1-64 letters, digits, `.`, `_` or `-`, starting with a letter or digit (no commas, spaces or empty names). */
export const TENANT_NAME = /^[A-Za-z0-9][\w.-]{0,63}$/;
export const TENANT_NAME_HINT = '1-64 letters, digits, . _ or -, starting with a letter or digit';

export const isTenantName = (value: unknown): value is string => typeof value === 'string' && TENANT_NAME.test(value);

/** `name=value,name=value` (env form) or a YAML map → entries. */
const pairsOf = (value: string | Record<string, string> | undefined): [string, string][] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((pair) => pair.trim())
        .filter((pair) => pair !== '')
        .map((pair) => {
          const equals = pair.indexOf('=');
          return equals > 0 ? [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()] : [pair, ''];
        })
    : Object.entries(value ?? {});

const nameValueMap = z.union([z.string(), z.record(z.string(), z.string())]).optional();

export const tenantsSchema = z.strictObject({
  tokens: nameValueMap.transform((value, context) => {
    const pairs = pairsOf(value);
    for (const [name, token] of pairs) {
      if (!TENANT_NAME.test(name)) context.addIssue({ code: 'custom', message: `each entry is tenant=token, the tenant ${TENANT_NAME_HINT}` });
      else if (token.length < 16) context.addIssue({ code: 'custom', message: `the token of tenant "${name}" is shorter than 16 characters` });
    }
    const tokens = pairs.map(([, token]) => token);
    if (new Set(tokens).size !== tokens.length) context.addIssue({ code: 'custom', message: 'two tenants share a token: give each tenant its own' });
    return Object.fromEntries(pairs);
  }),
  privacy: nameValueMap.transform((value, context) => {
    const pairs = pairsOf(value);
    for (const [name, level] of pairs) {
      if (!TENANT_NAME.test(name)) context.addIssue({ code: 'custom', message: `each entry is tenant=LEVEL, the tenant ${TENANT_NAME_HINT}` });
      else if (!(PRIVACY_LEVELS as readonly string[]).includes(level))
        context.addIssue({ code: 'custom', message: `the privacy of tenant "${name}" is "${level}", not one of ${PRIVACY_LEVELS.join(', ')}` });
    }
    return Object.fromEntries(pairs) as Record<string, PrivacyLevel>;
  }),
});

/**
 * Tenants: who may submit and read what, and each tenant's default privacy. A tenant token
 * opens the intake and results API (`eaio serve`) for its own tenant only; the board
 * tokens (`BOARD_TOKEN`, reviewer tokens) are operators and see every tenant.
 */
export interface TenantsConfig {
  /** Tenant → bearer token (16+ characters, one per tenant). Env `TENANT_TOKENS` as `acme=token,beta=token`. @defaultValue `{}` */
  tokens: Record<string, string>;
  /**
   * Tenant → privacy level for jobs that state none (no `privacy` column or field, no
   * `--privacy`/`?privacy=`); other tenants get `routing.defaultPrivacy`. Env `TENANT_PRIVACY`
   * as `acme=PUBLIC,beta=ENHANCED`. @defaultValue `{}`
   */
  privacy: Record<string, PrivacyLevel>;
}

/**
 * The privacy level of one job: its own (metadata `privacy` column, JSONL `privacy` field),
 * else the submit's (`--privacy`, `?privacy=`), else the tenant's default, else the app's.
 */
export const jobPrivacy = (
  levels: { own?: PrivacyLevel; submit?: PrivacyLevel; tenant: string },
  config: { tenants: TenantsConfig; routing: { defaultPrivacy: PrivacyLevel } },
): PrivacyLevel => levels.own ?? levels.submit ?? config.tenants.privacy[levels.tenant] ?? config.routing.defaultPrivacy;
