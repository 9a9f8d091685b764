import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { GENERIC_TASK_TYPES, PRIVACY_LEVELS, type GenericTaskType, type PrivacyLevel } from '@eaio/core';

/** One generic prompt job from JSONL intake: `{"id","prompt","privacy","taskType"}`. */
export interface PromptJobInput {
  id: string;
  prompt: string;
  privacy: PrivacyLevel;
  taskType: GenericTaskType;
  wantsJson: boolean;
  line: number;
}

export interface IntakeIssue {
  file: string;
  line: number;
  field?: string;
  message: string;
  hint: string;
}

const PromptLine = z.object({
  id: z.string().min(1).max(200),
  prompt: z.string().min(1).max(200_000),
  privacy: z.enum(PRIVACY_LEVELS).optional(),
  taskType: z.enum(GENERIC_TASK_TYPES).optional(),
  json: z.boolean().optional(),
});

/**
 * Streams a JSONL file line by line. Bad lines become issues naming file, line and
 * field; good lines still go through. Duplicate ids within the file are reported.
 */
export async function* readPromptJsonl(
  file: string,
  defaults: { privacy: PrivacyLevel },
  onIssue: (issue: IntakeIssue) => void,
): AsyncGenerator<PromptJobInput> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  const seen = new Set<string>();
  let lineNumber = 0;
  let any = false;
  for await (const raw of lines) {
    lineNumber += 1;
    const text = raw.trim();
    if (!text) continue;
    any = true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      onIssue({
        file,
        line: lineNumber,
        message: `not valid JSON (${(error as Error).message})`,
        hint: 'each line must be one JSON object like {"id":"a1","prompt":"…","privacy":"PRIVATE","taskType":"summarization"}; a cut-off last line means the file was truncated',
      });
      continue;
    }
    const parsed = PromptLine.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const field = first.path.join('.') || undefined;
      onIssue({
        file,
        line: lineNumber,
        field,
        message: `${field ?? 'line'}: ${first.message}`,
        hint: `privacy is one of ${PRIVACY_LEVELS.join('|')}; taskType one of ${GENERIC_TASK_TYPES.join('|')}; id and prompt are non-empty strings`,
      });
      continue;
    }
    if (seen.has(parsed.data.id)) {
      onIssue({ file, line: lineNumber, field: 'id', message: `duplicate id "${parsed.data.id}"`, hint: 'give every line its own id; the later line was skipped' });
      continue;
    }
    seen.add(parsed.data.id);
    yield {
      id: parsed.data.id,
      prompt: parsed.data.prompt,
      privacy: parsed.data.privacy ?? defaults.privacy,
      taskType: parsed.data.taskType ?? 'generic',
      wantsJson: parsed.data.json ?? false,
      line: lineNumber,
    };
  }
  if (!any) {
    onIssue({ file, line: 1, message: 'file is empty (no JSON object at line 1)', hint: 'expected one JSON object per line' });
  }
}
