import { describe, expect, it } from 'vitest';
import { createIssueList, type IntakeIssue } from './issue-list';

const issue = (kind: string, line: number, severity: IntakeIssue['severity'] = 'warning'): IntakeIssue => ({ kind, severity, file: 'f.csv', line, message: kind, hint: 'fix it' });

describe('createIssueList', () => {
  it('lists the first N, passes only those on, and counts every issue by kind and severity', () => {
    const passedOn: number[] = [];
    const list = createIssueList(3, (listed) => passedOn.push(listed.line));
    for (let line = 1; line <= 5; line += 1) list.add(issue('non-numeric', line));
    expect(list.full()).toBe(true);
    list.count('invalid-json', 'error');
    expect(list.listed.map((listed) => listed.line)).toEqual([1, 2, 3]);
    expect(passedOn).toEqual([1, 2, 3]);
    expect(list.counts()).toEqual({ total: 6, listed: 3, byKind: { 'non-numeric': 5, 'invalid-json': 1 }, bySeverity: { warning: 5, error: 1 } });
  });

  it("counts a reader's more-issues summary as the issues it stands for", () => {
    const list = createIssueList(100);
    for (let line = 1; line <= 50; line += 1) list.add(issue('non-numeric', line));
    list.add({ ...issue('more-issues', 0), message: '20 more', omitted: { kind: 'non-numeric', count: 20 } });
    expect(list.counts()).toMatchObject({ total: 70, listed: 51, byKind: { 'non-numeric': 70 } });
    expect(list.counts().byKind['more-issues']).toBeUndefined();
  });
});
