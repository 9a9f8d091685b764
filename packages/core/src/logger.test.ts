import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, isSecretFieldName } from './logger';

const collect = () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination, text: () => lines.join('') };
};

const KEY = ['sk', 'proj', 'ABCDEFGHIJKLMNOPQRSTUVWX1234'].join('-');

describe('createLogger', () => {
  it('writes JSON lines with name, level and fields', () => {
    const out = collect();
    const log = createLogger({ name: 'unit', level: 'debug', destination: out.destination });
    log.debug({ jobId: 'j1', inputTokens: 120, maxTokens: 512 }, 'hello');
    const line = JSON.parse(out.lines[0]);
    expect(line).toMatchObject({ name: 'unit', level: 20, jobId: 'j1', inputTokens: 120, maxTokens: 512, msg: 'hello' });
  });

  it('respects the level', () => {
    const out = collect();
    const log = createLogger({ name: 'unit', level: 'warn', destination: out.destination });
    log.info('quiet');
    log.warn('loud');
    expect(out.lines).toHaveLength(1);
  });

  it.each([
    ['apiKey', { apiKey: KEY }],
    ['nested endpoint apiKey', { endpoint: { id: 'openai', apiKey: KEY } }],
    ['authorization header', { headers: { authorization: `Bearer ${KEY}` } }],
    ['x-api-key header', { request: { headers: { 'x-api-key': KEY } } }],
    ['camelCase …Key', { openaiKey: KEY }],
    ['password', { db: { password: KEY } }],
    ['token', { token: KEY }],
    ['boardToken', { boardToken: KEY }],
    ['array of endpoints', { endpoints: [{ apiKey: KEY }, { apiKey: KEY }] }],
  ])('never prints a key passed as %s', (_label, object) => {
    const out = collect();
    createLogger({ name: 'unit', destination: out.destination }).info(object, 'calling');
    expect(out.text()).not.toContain(KEY);
    expect(out.text()).toContain('[redacted]');
  });

  it('scrubs known secret values and key-shaped strings in messages, errors and child bindings', () => {
    const out = collect();
    const plainSecret = 'hunter2-not-key-shaped';
    const log = createLogger({ name: 'unit', destination: out.destination, secrets: [plainSecret] });
    log.info(`request failed with key ${KEY}`);
    log.info({ note: `password was ${plainSecret}` }, 'x');
    const error = Object.assign(new Error(`401 for key ${KEY}`), { headers: { authorization: `Bearer ${KEY}` } });
    log.error({ err: error }, 'provider error');
    log.child({ apiKey: KEY, token: plainSecret }).child({ tenant: 'acme', password: KEY }).info({ stage: 2 }, 'grandchild');
    log.info('key via format %s', plainSecret);
    const text = out.text();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(plainSecret);
    expect(text).toContain('provider error');
    expect(out.lines).toHaveLength(5);
  });

  it('keeps the error message and type readable', () => {
    const out = collect();
    createLogger({ name: 'unit', destination: out.destination }).error({ err: new TypeError('boom') }, 'failed');
    expect(JSON.parse(out.lines[0]).err).toMatchObject({ type: 'TypeError', message: 'boom' });
  });

  it('survives circular objects', () => {
    const out = collect();
    const node: Record<string, unknown> = { apiKey: KEY };
    node.self = node;
    createLogger({ name: 'unit', destination: out.destination }).info({ node }, 'cycle');
    expect(out.text()).not.toContain(KEY);
  });
});

describe('isSecretFieldName', () => {
  it.each(['apiKey', 'api_key', 'x-api-key', 'authorization', 'Authorization', 'password', 'dbPassword', 'token', 'accessToken', 'clientSecret', 'privateKey'])(
    '%s is secret',
    (name) => expect(isSecretFieldName(name)).toBe(true),
  );
  it.each(['inputTokens', 'outputTokens', 'maxTokens', 'key', 'model', 'keys', 'monkey', 'tokenizer'])('%s is not secret', (name) => expect(isSecretFieldName(name)).toBe(false));
});

describe('child loggers', () => {
  it('keep bindings of every generation', () => {
    const out = collect();
    createLogger({ name: 'unit', destination: out.destination }).child({ worker: 'api' }).child({ jobId: 'j7' }).info('step');
    expect(JSON.parse(out.lines[0])).toMatchObject({ worker: 'api', jobId: 'j7', msg: 'step' });
  });
});
