import type { Random } from './random';

type Schema = Record<string, unknown>;

const WORDS = ['baseload', 'schedule', 'weather', 'coverage', 'peak', 'setback', 'lighting', 'ventilation', 'meter', 'occupancy'];

const pick = <T>(items: readonly T[], random: Random): T => items[Math.floor(random() * items.length) % items.length];

const asSchema = (value: unknown): Schema | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : undefined);

/**
 * A small value that satisfies common JSON-schema constructs (object with properties and
 * `required`, arrays with `minItems`, enums, consts, numbers with bounds, strings). Not a
 * validator: unknown constructs fall back to a string. Depth-limited.
 */
export const valueFromSchema = (schema: Schema | undefined, random: Random, depth = 0): unknown => {
  if (!schema || depth > 6) return 'n/a';
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(schema.enum, random);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const choice = asSchema(options.find((option) => asSchema(option)?.type !== 'null') ?? options[0]);
      return valueFromSchema(choice, random, depth + 1);
    }
  }
  const rawType = Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type;
  const type = typeof rawType === 'string' ? rawType.toLowerCase() : schema.properties ? 'object' : 'string';
  switch (type) {
    case 'object': {
      const properties = asSchema(schema.properties) ?? {};
      return Object.fromEntries(Object.entries(properties).map(([key, inner]) => [key, valueFromSchema(asSchema(inner), random, depth + 1)]));
    }
    case 'array': {
      const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      return Array.from({ length: count }, () => valueFromSchema(asSchema(schema.items), random, depth + 1));
    }
    case 'integer':
    case 'number': {
      const minimum = typeof schema.minimum === 'number' ? schema.minimum : 0;
      const maximum = typeof schema.maximum === 'number' ? schema.maximum : minimum + 100;
      const value = minimum + random() * (maximum - minimum);
      return type === 'integer' ? Math.round(value) : Math.round(value * 100) / 100;
    }
    case 'boolean':
      return random() < 0.5;
    case 'null':
      return null;
    default: {
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
      let text = `${pick(WORDS, random)} ${pick(WORDS, random)}`;
      while (text.length < minLength) text += ` ${pick(WORDS, random)}`;
      return typeof schema.maxLength === 'number' ? text.slice(0, schema.maxLength) : text;
    }
  }
};
