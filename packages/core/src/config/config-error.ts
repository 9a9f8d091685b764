/** One problem found in the configuration. */
export interface ConfigIssue {
  /** Dotted field path, e.g. `budgets.alertThreshold` (`''` for the whole file). */
  path: string;
  /** Where the value came from: the file, `env NAME` or `overrides`. */
  source: string;
  message: string;
  /** What to do about it. */
  hint: string;
}

/** The configuration could not be loaded; `issues` lists every problem found. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.path || '(file)'} [${issue.source}]: ${issue.message}. ${issue.hint}`);
    super(`Invalid eaio configuration:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }

  static isInstance(value: unknown): value is ConfigError {
    return value instanceof Error && value.name === 'ConfigError' && Array.isArray((value as ConfigError).issues);
  }
}
