/**
 * The careful reader's pieces and field limit, without a database: a line handed to the parser in
 * pieces (as an enormous line is, so it is never held whole) must give the same records as the
 * line whole, wherever the pieces and the chunks of the stream fall (inside "", before a CR of a
 * CRLF, inside leading spaces); and the field limit must turn exactly the records with a field
 * above it into `field-too-large` events, naming the first such field and its UTF-8 size.
 */
import { describe, expect, it } from 'vitest';
import { LineSplitter, RecordParser, type CsvEvent } from '../../engine/extract/csv-records.ts';
import { Rng } from '../../tools/generate/common.ts';

const PIECES = ['a', 'Zoë', '€', '𝄞', ' ', '   ', ',', '"', '""', 'x\ny', 'x\r\ny', 'x\rz', 'plain', ''];

function randomCsv(rng: Rng): string {
  let s = '';
  for (let r = 0; r < 60; r++) {
    const fields: string[] = [];
    for (let f = 0; f < rng.int(1, 4); f++) {
      let v = '';
      for (let i = 0; i < rng.int(0, 6); i++) v += rng.pick(PIECES);
      // Mostly well-formed quoting, sometimes raw (stray quotes, newlines that split records).
      fields.push(rng.chance(0.8) && /[",\r\n]|^ /.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    }
    s += fields.join(',') + rng.pick(['\n', '\r\n', '\r', '\n\n', '   \n']);
  }
  return s;
}

/** Every event of `text` read in chunks of the given sizes, lines cut into pieces of `pieceChars`. */
function parse(text: string, chunk: number, pieceChars: number, maxFieldBytes = Infinity): CsvEvent[] {
  const split = new LineSplitter(pieceChars);
  const parser = new RecordParser(',', Infinity, maxFieldBytes);
  const out: CsvEvent[] = [];
  const feed = (lines: Iterable<[string, string, number, boolean?]>) => {
    for (const [t, eol, no, piece] of lines) {
      const ev = parser.line(t, eol, no, piece);
      if (ev) out.push(ev);
    }
  };
  for (let i = 0; i < text.length; i += chunk) feed(split.push(text.slice(i, i + chunk)));
  feed(split.end());
  const last = parser.end();
  if (last) out.push(last);
  return out.map((e) => (e.kind === 'record' ? { ...e, raw: '' } : e));
}

describe('careful reader', () => {
  it('reads a line in pieces exactly as whole, wherever pieces and chunks fall', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Rng(seed);
      const text = randomCsv(rng);
      const whole = parse(text, text.length + 1, Infinity);
      expect(whole.length).toBeGreaterThan(20);
      for (const [chunk, piece] of [[1, 1], [3, 2], [7, 5], [16, 3], [64, 9]] as const) {
        expect(parse(text, chunk, piece), `seed ${seed}, chunks of ${chunk}, pieces of ${piece}`).toEqual(whole);
      }
    }
  });

  it('turns exactly the records with a field above the limit into field-too-large events', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Rng(seed);
      const text = randomCsv(rng);
      const limit = rng.int(3, 12);
      const expected = parse(text, text.length + 1, Infinity).map((e) => {
        if (e.kind !== 'record') return e;
        const big = e.fields.findIndex((f) => Buffer.byteLength(f) > limit);
        return big < 0 ? e : { kind: 'field-too-large', line: e.line, lines: e.lines, field: big, bytes: Buffer.byteLength(e.fields[big]!) };
      });
      expect(expected.some((e) => e.kind === 'field-too-large')).toBe(true);
      for (const [chunk, piece] of [[text.length + 1, Infinity], [5, Infinity], [3, 2], [11, 4]] as const) {
        expect(parse(text, chunk, piece, limit), `seed ${seed}, limit ${limit}, chunks of ${chunk}, pieces of ${piece}`).toEqual(expected);
      }
    }
  });
});
