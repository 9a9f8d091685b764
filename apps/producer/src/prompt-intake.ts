import type { Readable } from 'node:stream';
import { z } from 'zod';
import { GENERIC_TASK_TYPES, PRIVACY_LEVELS, type GenericTaskType, type PrivacyLevel } from '@eaio/core';
import { readFileChunks, readUtf8Lines } from '@eaio/energy';
import type { IssueReceiver } from './issue-list';
import { isJsonObjectText } from './json-object-check';

export type { IntakeIssue } from './issue-list';

/** One generic prompt job from JSONL intake: `{"id","prompt","privacy","taskType"}`. */
export interface PromptJobInput {
  id: string;
  prompt: string;
  privacy: PrivacyLevel;
  taskType: GenericTaskType;
  wantsJson: boolean;
  /** The line's `promptVersion` (optional): a new one makes the response cache answer it afresh. */
  promptVersion?: string;
  line: number;
}

const PromptLine = z.object({
  id: z.string().min(1).max(200),
  prompt: z.string().min(1).max(200_000),
  privacy: z.enum(PRIVACY_LEVELS).optional(),
  taskType: z.enum(GENERIC_TASK_TYPES).optional(),
  json: z.boolean().optional(),
  promptVersion: z.string().min(1).max(100).optional(),
});

const KNOWN_FIELDS = new Set(Object.keys(PromptLine.shape));
const EXAMPLE = '{"id":"a1","prompt":"…","privacy":"PRIVATE","taskType":"summarization"}';
const FIELDS_HINT = `privacy is one of ${PRIVACY_LEVELS.join('|')}; taskType one of ${GENERIC_TASK_TYPES.join('|')}; id and prompt are non-empty strings; promptVersion (optional) a string of at most 100 characters`;

/** A JSONL file, or a byte stream (or chunks) with a name for messages. */
export type JsonlSource = string | { stream: Readable | AsyncIterable<Buffer>; name: string };

export interface ReadPromptJsonlOptions {
  /** Privacy of lines that state none. */
  privacy: PrivacyLevel;
  /** Longest line read; a longer one is skipped and reported (`line-too-long`). @defaultValue 4 MiB */
  maxLineBytes?: number;
}

const excerpt = (text: string): string => JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
const unknownFields = (value: Record<string, unknown>): string[] => {
  const unknown: string[] = [];
  for (const key in value) if (!KNOWN_FIELDS.has(key)) unknown.push(key);
  return unknown;
};
const namesOf = (keys: string[]): string => keys.slice(0, 5).map(excerpt).join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '');

/**
 * Streams JSONL line by line (bytes checked as UTF-8, never decoded with replacement
 * characters; a line's length capped). Bad lines become issues naming file, line and
 * field; good lines still go through. Fields the format does not know are reported as
 * warnings and the line is still accepted. Duplicate ids within the file are reported.
 */
export async function* readPromptJsonl(source: JsonlSource, options: ReadPromptJsonlOptions, issues: IssueReceiver): AsyncGenerator<PromptJobInput> {
  const file = typeof source === 'string' ? source : source.name;
  const stream = typeof source === 'string' ? readFileChunks(source) : source.stream;
  const seen = new Set<string>();
  let any = false;
  const error = (line: number, kind: string, message: string, hint: string, field?: string): void =>
    issues.add({ kind, severity: 'error', file, line, ...(field === undefined ? {} : { field }), message, hint });

  for await (const batch of readUtf8Lines(stream, { maxLineBytes: options.maxLineBytes })) {
    for (const entry of batch) {
      const lineNumber = entry.line;
      if (entry.problem === 'invalid-utf8') {
        any = true;
        if (issues.full()) issues.count('invalid-utf8', 'error');
        else
          error(
            lineNumber,
            'invalid-utf8',
            `line ${lineNumber} is not valid UTF-8 (byte ${entry.offset + 1} of the line)`,
            'send UTF-8 text (JSON is UTF-8 by definition); the line was skipped',
          );
        continue;
      }
      if (entry.problem === 'too-long') {
        any = true;
        if (issues.full()) issues.count('line-too-long', 'error');
        else
          error(
            lineNumber,
            'line-too-long',
            `line ${lineNumber} is ${entry.bytes} bytes, over the limit`,
            'one job per line; a prompt may hold at most 200,000 characters; the line was skipped',
          );
        continue;
      }
      const text = entry.text.trim();
      if (!text) continue;
      any = true;
      if (!isJsonObjectText(text)) {
        if (issues.full()) {
          issues.count('invalid-json', 'error');
        } else if (text[0] !== '{') {
          error(
            lineNumber,
            'invalid-json',
            `not valid JSON: a line must be one JSON object; this one starts with ${excerpt(text)}`,
            `each line must be one JSON object like ${EXAMPLE}`,
          );
        } else {
          let reason = 'nested too deeply';
          try {
            JSON.parse(text);
          } catch (failure) {
            reason = (failure as Error).message.slice(0, 160);
          }
          error(lineNumber, 'invalid-json', `not valid JSON (${reason})`, `each line must be one JSON object like ${EXAMPLE}; a cut-off last line means the file was truncated`);
        }
        continue;
      }
      const value = JSON.parse(text) as Record<string, unknown>;
      const unknown = unknownFields(value);
      if (issues.full() && (typeof value.id !== 'string' || typeof value.prompt !== 'string')) {
        // Cannot pass the schema; counted without building zod's error.
        issues.count('invalid-field', 'error');
        continue;
      }
      const parsed = PromptLine.safeParse(value);
      if (!parsed.success) {
        if (issues.full()) {
          issues.count('invalid-field', 'error');
          continue;
        }
        const first = parsed.error.issues[0];
        const field = first.path.join('.') || undefined;
        error(
          lineNumber,
          'invalid-field',
          `${field ?? 'line'}: ${first.message.slice(0, 200)}`,
          `${FIELDS_HINT}${unknown.length > 0 ? `; fields not in the format: ${namesOf(unknown)} (misspelt?)` : ''}`,
          field,
        );
        continue;
      }
      if (seen.has(parsed.data.id)) {
        if (issues.full()) issues.count('duplicate-id', 'error');
        else error(lineNumber, 'duplicate-id', `duplicate id ${excerpt(parsed.data.id)}`, 'give every line its own id; the later line was skipped', 'id');
        continue;
      }
      if (unknown.length > 0 && issues.full()) issues.count('unknown-field', 'warning');
      else if (unknown.length > 0) {
        issues.add({
          kind: 'unknown-field',
          severity: 'warning',
          file,
          line: lineNumber,
          field: unknown[0].slice(0, 100),
          message: `field${unknown.length > 1 ? 's' : ''} ${namesOf(unknown)} not in the format, ignored`,
          hint: `known fields: ${[...KNOWN_FIELDS].join(', ')}; a misspelt name? the job was accepted without ${unknown.length > 1 ? 'them' : 'it'}`,
        });
      }
      seen.add(parsed.data.id);
      yield {
        id: parsed.data.id,
        prompt: parsed.data.prompt,
        privacy: parsed.data.privacy ?? options.privacy,
        taskType: parsed.data.taskType ?? 'generic',
        wantsJson: parsed.data.json ?? false,
        ...(parsed.data.promptVersion === undefined ? {} : { promptVersion: parsed.data.promptVersion }),
        line: lineNumber,
      };
    }
  }
  if (!any) {
    error(1, 'empty-file', 'file is empty (no JSON object at line 1)', 'expected one JSON object per line');
  }
}
