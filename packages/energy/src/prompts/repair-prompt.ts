import type { GateClaim } from '../gate/check-grounded';

/** The part of a gate verdict a repair prompt is built from (per-check issues, the claims). */
export interface GateFindings {
  checks: Record<string, unknown>;
  claims?: readonly GateClaim[];
}

export interface RepairPromptOptions {
  /**
   * Points listed at most; the rest are counted.
   * @defaultValue 12
   */
  maxPoints?: number;
}

/** The issue every check but `schema` reports when the answer text is not JSON at all. */
const UNREADABLE = 'answer is not readable JSON';

const issuesOf = (value: unknown): string[] => {
  if (typeof value !== 'object' || value === null) return [];
  const issues = (value as { issues?: unknown }).issues;
  return Array.isArray(issues) ? issues.filter((issue): issue is string => typeof issue === 'string') : [];
};

const clip = (text: string, max = 240): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Whether a verdict failed on format alone: the text could not be read as the JSON object
 * (analysis gate), or JSON was asked for and not given (generic gate). A cut-off answer
 * (finish reason `length`) is a format failure too; the caller knows that one.
 */
export const failedOnFormatOnly = (checks: Record<string, unknown>): boolean => {
  if (issuesOf(checks.grounded).includes(UNREADABLE)) return true;
  const failing = Object.entries(checks).filter(([name, value]) => name !== 'claims' && name !== 'repairs' && issuesOf(value).length > 0);
  return failing.length === 1 && failing[0][0] === 'schema' && issuesOf(checks.schema).some((issue) => /not valid JSON/i.test(issue));
};

/**
 * What the gate found wrong with an answer, as instructions for a second try on the same
 * model: every figure that contradicts the data or that the data does not support ("you
 * wrote 234 kW (findings[0]); the data gives 146.5"), then the other checks' issues
 * (missing sections, inconsistencies, implausible values, a refusal). The previous answer
 * goes to the model as its own turn before this text.
 */
export const buildRepairPrompt = (findings: GateFindings, options: RepairPromptOptions = {}): string => {
  const maxPoints = options.maxPoints ?? 12;
  const points: string[] = [];
  for (const claim of findings.claims ?? []) {
    if (claim.status !== 'contradiction' && claim.status !== 'unsupported') continue;
    points.push(`You wrote ${clip(claim.written, 120)} (${claim.where}): ${clip(claim.note)}.`);
  }
  const seen = new Set(points);
  for (const [name, value] of Object.entries(findings.checks)) {
    if (name === 'claims' || name === 'repairs') continue;
    // Grounding issues are the claims above, said once.
    if (name === 'grounded' && (findings.claims?.length ?? 0) > 0) continue;
    for (const issue of issuesOf(value)) {
      if (issue === UNREADABLE) continue;
      const point = `${name}: ${clip(issue)}.`;
      if (!seen.has(point)) {
        seen.add(point);
        points.push(point);
      }
    }
  }
  const listed = points.slice(0, maxPoints);
  const more = points.length - listed.length;
  return [
    'Your answer above was checked against the building data and did not pass. Fix these points:',
    ...listed.map((point) => `- ${point}`),
    ...(more > 0 ? [`- …and ${more} more of the same kind.`] : []),
    'Use only figures the data block gives, under the metric names it uses; where the data has no figure, say so instead of estimating one.',
    'Reply with the complete corrected JSON object only.',
  ].join('\n');
};

/**
 * Instructions for a second try of an answer that was not the JSON object asked for:
 * cut off at the token limit, or not valid JSON.
 */
export const buildFormatRepairPrompt = (problem: { truncated: boolean; detail?: string }): string =>
  [
    problem.truncated
      ? 'Your answer above was cut off before the JSON object was complete (the output limit was reached).'
      : `Your answer above is not the valid JSON object that was asked for${problem.detail ? ` (${clip(problem.detail, 160)})` : ''}.`,
    problem.truncated
      ? 'Answer again with the complete JSON object, matching the schema; keep every text field short so that it fits.'
      : 'Answer again with the JSON object only, matching the schema: no text before or after it, no code fence.',
  ].join('\n');
