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
 * before it stays valid.
 */
export const csvRecords = (source: InputSource, sink: IssueSink): CsvRecordsResult => {
  const opened = openText(source);
  let line = 0;
  const parser = opened.stream.pipe(parse({ relax_column_count: true, skip_empty_lines: false, bom: true }));
  opened.stream.on('error', (error) => parser.destroy(error));
  /** Records come out in batches (everything the parser has buffered), so there is one await per batch, not per row. */
  async function* batches(): AsyncGenerator<CsvRecord[]> {
    try {
      for (;;) {
        const batch: CsvRecord[] = [];
        let fields: string[] | null;
        while ((fields = parser.read() as string[] | null) !== null) {
          line += 1;
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
        kind: 'parse-error', file: opened.name, line: line + 1, severity: 'error',
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
