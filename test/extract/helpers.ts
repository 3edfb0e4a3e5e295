/** A small source for messy-input tests, declared as data like the real connectors. */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { SourceConnector } from '../../engine/source.ts';
import { projectRoot } from '../../engine/paths.ts';

export const fixtures = path.join(projectRoot, 'test', 'fixtures', 'extract');

export const messySource: SourceConnector = {
  name: 'messy',
  title: 'Messy test source',
  conventions: { dateOrder: 'dmy', timezone: 'UTC', phoneCountry: 'ZA', decimalSeparator: '.', currency: 'ZAR' },
  sampleDir: path.join(fixtures, 'messy', 'utf8'),
  files: [
    {
      name: 'items',
      file: 'items.csv',
      required: true,
      idColumn: 'item_id',
      columns: [
        { name: 'item_id', header: 'Item ID', required: true },
        { name: 'name', header: 'Name' },
        { name: 'notes', header: 'Notes' },
      ],
    },
    {
      name: 'notes',
      file: 'notes.csv',
      columns: [
        { name: 'note_id', header: 'Note ID', required: true },
        { name: 'item_id', header: 'Item ID' },
        { name: 'text', header: 'Text' },
      ],
    },
  ],
};

/**
 * Records in a well-formed CSV file, counted by a different parser than the one under test
 * (csv-parse), header excluded, blank lines excluded.
 */
export function recordsIn(file: string, encoding = 'utf8', delimiter?: string): number {
  const text = iconv.decode(readFileSync(file), encoding === 'windows1252' ? 'win1252' : 'utf8');
  if (!text.trim()) return 0;
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!;
  const d = delimiter ?? ([';', '\t', ','].find((c) => firstLine.includes(c)) ?? ',');
  const rows = parse(text, { bom: true, delimiter: d, skip_empty_lines: true, relax_column_count: true }) as string[][];
  return Math.max(0, rows.length - 1);
}
