/** One environment variable eaio reads: the config path it overrides and how it is parsed. */
export interface EnvVariable {
  name: string;
  /** Dotted config path it overrides; `undefined` for variables handled specially (endpoints, keys). */
  path: string | undefined;
  parse: 'string' | 'number' | 'boolean';
  description: string;
}
