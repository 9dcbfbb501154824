/**
 * An RFC 4180 CSV parser: fields separated by commas, records by CRLF or LF, fields in double quotes may hold commas,
 * line breaks and doubled quotes (`""`). A leading byte-order mark is dropped, and a final line break does not start
 * an empty record. The parser is lenient where the RFC is silent, as most producers are: a quote inside an unquoted
 * field is kept as text, text after a closing quote is appended to the field, and an unclosed quote runs to the end
 * of the input. `unclosedQuote` reports the last case so that a caller can quarantine the file instead.
 */
export interface CsvParse {
  readonly rows: string[][];
  readonly unclosedQuote: boolean;
}

/** Parses CSV text into rows of fields (header included, if the file has one). */
export function parseCsv(text: string): CsvParse {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  // A record is only pushed once something was read for it, so that a final line break adds no empty row.
  let started = false;
  while (i < n) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      const close = text.indexOf('"', i);
      const end = close === -1 ? n : close;
      field += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      started = true;
      i++;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      started = true;
      i++;
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      started = false;
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      let j = i + 1;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13 || c === 34) break;
        j++;
      }
      field += text.slice(i, j);
      started = true;
      // A quote in the middle of an unquoted field is text.
      if (text[j] === '"') {
        field += '"';
        j++;
      }
      i = j;
    }
  }
  if (started || field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return { rows, unclosedQuote: quoted };
}

/** The records of a CSV with a header row, as objects keyed by the header; missing trailing fields are ''. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text).rows;
  if (!header) return [];
  return rows.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k] ?? ''])));
}
