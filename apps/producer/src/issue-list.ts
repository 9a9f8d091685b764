/** A problem found in submitted input, named by file, line and (where one is at fault) field. */
export interface IntakeIssue {
  /** What went wrong, e.g. `invalid-json`, `unknown-field`, `invalid-utf8`, `non-numeric`, `implausible-reading`. */
  kind: string;
  /** `error`: the line or row was skipped; `warning`: it was read with the problem noted (or skipped, as the message says). */
  severity: 'info' | 'warning' | 'error';
  file: string;
  /** 1-based line; 0 for a summary about a whole file or building. */
  line: number;
  field?: string;
  buildingId?: string;
  message: string;
  /** What to do about it. */
  hint: string;
  /** On a reader's `more-issues` summary: the kind and number of issues it stands for. */
  omitted?: { kind: string; count: number };
}

/** How many issues a submission had, listed or not. */
export interface IssueCounts {
  /** Every issue found, listed or not. */
  total: number;
  /** How many of them are in `issues`. */
  listed: number;
  byKind: Record<string, number>;
  bySeverity: Record<string, number>;
}

/** Where a reader puts the issues it finds. */
export interface IssueReceiver {
  add(issue: IntakeIssue): void;
  /**
   * True once no further issue will be listed: a reader may then `count` an issue
   * instead of building its message (a file of a million bad lines costs no more than
   * counting them).
   */
  full(): boolean;
  count(kind: string, severity: IntakeIssue['severity']): void;
}

export interface IssueList extends IssueReceiver {
  /** The first `maxListed` issues, in the order found. */
  readonly listed: IntakeIssue[];
  counts(): IssueCounts;
}

/**
 * Keeps the first `maxListed` issues (passing each to `onListed`) and counts all of them
 * by kind and severity, so a file with a million bad lines makes a report of a few
 * kilobytes, not a gigabyte. A reader's `more-issues` summary is listed but counted as
 * the issues it stands for.
 */
export const createIssueList = (maxListed: number, onListed?: (issue: IntakeIssue) => void): IssueList => {
  const listed: IntakeIssue[] = [];
  const byKind: Record<string, number> = {};
  const bySeverity: Record<string, number> = {};
  let total = 0;
  const count = (kind: string, severity: string, n: number): void => {
    byKind[kind] = (byKind[kind] ?? 0) + n;
    bySeverity[severity] = (bySeverity[severity] ?? 0) + n;
    total += n;
  };
  return {
    add(issue) {
      if (issue.omitted) count(issue.omitted.kind, issue.severity, issue.omitted.count);
      else count(issue.kind, issue.severity, 1);
      if (listed.length < maxListed) {
        listed.push(issue);
        onListed?.(issue);
      }
    },
    full: () => listed.length >= maxListed,
    count: (kind, severity) => count(kind, severity, 1),
    listed,
    counts: () => ({ total, listed: listed.length, byKind: { ...byKind }, bySeverity: { ...bySeverity } }),
  };
};
