import { parse } from 'csv-parse';
import type { IssueSink } from './input-issue';
import { openText, type InputSource } from './open-text';

export interface CsvRecord {
  /** 1-based line number (files with quoted newlines are not expected here). */
  line: number;
  fields: string[];
}

export interface CsvRecordsResult {
  name: string;
  records: AsyncGenerator<CsvRecord>;
  /** Valid after `records` is exhausted. */
  ending(): { bytes: number; endsWithNewline: boolean; lines: number };
}

/**
 * Streams CSV records with their line numbers (csv-parse, no per-record info objects, so
 * empty lines are kept as `['']` to keep line numbers exact). A CSV syntax error (for
 * example an unclosed quote) ends the file with a `parse-error` issue; what was read
 * before it stays valid.
 */
export const csvRecords = (source: InputSource, sink: IssueSink): CsvRecordsResult => {
  const opened = openText(source);
  let line = 0;
  const parser = opened.stream.pipe(parse({ relax_column_count: true, skip_empty_lines: false, bom: true }));
  opened.stream.on('error', (error) => parser.destroy(error));
  async function* records(): AsyncGenerator<CsvRecord> {
    try {
      for await (const fields of parser as AsyncIterable<string[]>) {
        line += 1;
        yield { line, fields };
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const message = error instanceof Error ? error.message : String(error);
      sink.report({
        kind: 'parse-error', file: opened.name, line: line + 1, severity: 'error',
        message: `CSV could not be read past this line: ${code ? `${code}: ` : ''}${message.split('\n')[0]}`,
        hint: code === 'ENOENT' ? 'check the file path' : 'check quoting and encoding near this line; rows before it were read',
      });
    }
  }
  return { name: opened.name, records: records(), ending: () => ({ ...opened.ending(), lines: line }) };
};
