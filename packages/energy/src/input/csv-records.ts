import { parse } from 'csv-parse';
import type { IssueSink } from './input-issue';
import { openText, type InputSource } from './open-text';
import { createUtf8LineCheck } from './utf8-lines';

export interface CsvRecord {
  /** 1-based line number (files with quoted newlines are not expected here). */
  line: number;
  fields: string[];
}

export interface CsvRecordsResult {
  name: string;
  /** Call once per file. */
  records(): AsyncGenerator<CsvRecord>;
  /** The same records in batches, one await per batch (for hot paths). Call once per file, instead of `records`. */
  batches(): AsyncGenerator<CsvRecord[]>;
  /** Valid after the records are exhausted. */
  ending(): { bytes: number; endsWithNewline: boolean; lines: number };
}

/**
 * Streams CSV records with their line numbers (csv-parse, no per-record info objects, so
 * empty lines are kept as `['']` to keep line numbers exact). A CSV syntax error (for
 * example an unclosed quote) ends the file with a `parse-error` issue; what was read
 * before it stays valid. A line that is not valid UTF-8 is reported (`invalid-utf8`, with
 * its line and byte offset) and skipped, never read with U+FFFD in place of its bytes.
 */
export const csvRecords = (source: InputSource, sink: IssueSink): CsvRecordsResult => {
  const opened = openText(source);
  let line = 0;
  /** Lines found invalid by the check ahead of the parser, until the parser reaches them. */
  const invalidLines = new Set<number>();
  const check = createUtf8LineCheck((invalidLine, offset) => {
    invalidLines.add(invalidLine);
    sink.report({
      kind: 'invalid-utf8',
      file: opened.name,
      line: invalidLine,
      severity: 'warning',
      message: `line ${invalidLine} is not valid UTF-8 (byte ${offset + 1} of the line)`,
      hint: 'save the file as UTF-8 (a spreadsheet export in Latin-1 or Windows-1252?); the line is skipped',
    });
  });
  const parser = opened.stream.pipe(check).pipe(parse({ relax_column_count: true, skip_empty_lines: false, bom: true }));
  opened.stream.on('error', (error) => parser.destroy(error));
  check.on('error', (error) => parser.destroy(error));
  /** Records come out in batches (everything the parser has buffered), so there is one await per batch, not per row. */
  async function* batches(): AsyncGenerator<CsvRecord[]> {
    try {
      for (;;) {
        const batch: CsvRecord[] = [];
        let fields: string[] | null;
        while ((fields = parser.read() as string[] | null) !== null) {
          line += 1;
          if (invalidLines.size > 0 && invalidLines.delete(line)) continue;
          batch.push({ line, fields });
        }
        if (batch.length > 0) {
          yield batch;
          continue;
        }
        if (parser.readableEnded) return;
        const error = parser.errored;
        if (error) throw error;
        await new Promise<void>((resolve, reject) => {
          const done = (): void => {
            parser.off('readable', done);
            parser.off('end', done);
            parser.off('error', failed);
            resolve();
          };
          const failed = (failure: Error): void => {
            parser.off('readable', done);
            parser.off('end', done);
            parser.off('error', failed);
            reject(failure);
          };
          parser.once('readable', done);
          parser.once('end', done);
          parser.once('error', failed);
        });
      }
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const message = error instanceof Error ? error.message : String(error);
      sink.report({
        kind: 'parse-error',
        file: opened.name,
        line: line + 1,
        severity: 'error',
        message: `CSV could not be read past this line: ${code ? `${code}: ` : ''}${message.split('\n')[0]}`,
        hint: code === 'ENOENT' ? 'check the file path' : 'check quoting and encoding near this line; rows before it were read',
      });
    }
  }
  async function* records(): AsyncGenerator<CsvRecord> {
    for await (const batch of batches()) yield* batch;
  }
  return { name: opened.name, records, batches, ending: () => ({ ...opened.ending(), lines: line }) };
};
