/**
 * A problem found in an input file. Reading never stops at one: the row (or the file,
 * for header problems) is skipped, the issue is reported, and every valid building in
 * the same file still goes through.
 */
export type InputIssueKind =
  | 'wrong-header'
  | 'empty-file'
  | 'non-numeric'
  | 'negative-reading'
  | 'duplicate-timestamp'
  | 'unknown-building'
  | 'truncated-line'
  | 'bad-timestamp'
  | 'bad-value'
  | 'duplicate-building'
  | 'unusable-building'
  | 'unsorted-input'
  | 'parse-error'
  | 'invalid-utf8'
  | 'implausible-reading'
  | 'more-issues';

export interface InputIssue {
  kind: InputIssueKind;
  /** File path, or the name given for a stream. */
  file: string;
  /** 1-based line number in the file (an empty file: 1, where its header belongs); 0 for summaries about the whole file. */
  line: number;
  /** Column name, when one column is at fault. */
  field?: string;
  buildingId?: string;
  message: string;
  /** What to do about it. */
  hint: string;
  severity: 'info' | 'warning' | 'error';
  /** On a `more-issues` summary: the kind and number of issues it stands for (not passed on one by one). */
  omitted?: { kind: InputIssueKind; count: number };
}

export type IssueHandler = (issue: InputIssue) => void;

export interface IssueSinkOptions {
  /**
   * Most issues passed on per kind and file; beyond that they are counted and one
   * `more-issues` summary is reported by `flush()`.
   * @defaultValue 50
   */
  maxPerKind?: number;
}

export interface IssueSink {
  report(issue: InputIssue): void;
  /** Reports how many issues of each kind were held back. Call once at end of file. */
  flush(file: string): void;
  /** Issues reported so far, by kind, held back ones included. */
  counts(): Map<InputIssueKind, number>;
}

/** Caps the flood of per-row issues a systematically broken file would otherwise produce. */
export const createIssueSink = (handler: IssueHandler | undefined, options: IssueSinkOptions = {}): IssueSink => {
  const maxPerKind = options.maxPerKind ?? 50;
  const counts = new Map<InputIssueKind, number>();
  const severities = new Map<InputIssueKind, InputIssue['severity']>();
  return {
    report(issue) {
      const count = (counts.get(issue.kind) ?? 0) + 1;
      counts.set(issue.kind, count);
      severities.set(issue.kind, issue.severity);
      if (count <= maxPerKind) handler?.(issue);
    },
    flush(file) {
      for (const [kind, count] of counts) {
        if (count > maxPerKind) {
          handler?.({
            kind: 'more-issues',
            file,
            line: 0,
            severity: severities.get(kind) ?? 'warning',
            message: `${count - maxPerKind} more '${kind}' issues not listed (${count} in all)`,
            omitted: { kind, count: count - maxPerKind },
            hint: 'fix the first ones listed; the rest are likely the same problem',
          });
        }
      }
    },
    counts: () => new Map(counts),
  };
};
