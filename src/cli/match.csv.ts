import { parse } from "csv-parse/sync";

/**
 * The records of a CSV file with a header row, as csv-parse gives them with the options of `orgmap
 * match` (`bom`, header names trimmed, `skip_empty_lines`, nothing else trimmed), read without
 * csv-parse where that is sure to give the same: a line without a quote is split at its commas by
 * hand, a record with a quote is handed to csv-parse alone. Null when the file needs csv-parse whole:
 * a carriage return other than in CRLF line ends, a UTF-16 BOM, an undecodable byte, a header name
 * empty, repeated or `__proto__`, a record of another length than the header, a quote csv-parse would
 * refuse (then csv-parse says why, with its line number).
 */
export function fastCsvRecords(bytes: Buffer): Array<Record<string, string>> | null {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return null; // UTF-16 LE
  let text = bytes.toString("utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes("\uFFFD")) return null;
  let crlf = false;
  if (text.includes("\r")) {
    // Only CRLF line ends throughout: then CRLF is the record delimiter csv-parse discovers.
    for (let at = text.indexOf("\r"); at >= 0; at = text.indexOf("\r", at + 1))
      if (text.charCodeAt(at + 1) !== 10) return null;
    for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1))
      if (text.charCodeAt(at - 1) !== 13) return null;
    crlf = true;
  }
  const end = text.length;
  const fields: string[] = [];
  let header: string[] | null = null;
  const records: Array<Record<string, string>> = [];
  let at = 0;
  // The next quote in the file (searched again only once passed: a search from each line would read on to it).
  let quote = -2;
  while (at < end) {
    let lineEnd = text.indexOf("\n", at);
    if (lineEnd < 0) lineEnd = end;
    const contentEnd = crlf && lineEnd < end ? lineEnd - 1 : lineEnd;
    let next = lineEnd + 1;
    fields.length = 0;
    if (quote !== -1 && quote < at) quote = text.indexOf('"', at);
    if (quote >= 0 && quote < contentEnd) {
      // A quoted record, perhaps over several lines: where it ends (a line end outside quotes), then csv-parse.
      let inQuotes = false;
      let stop = -1;
      for (let i = at; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c === 34) inQuotes = !inQuotes;
        else if (c === 10 && !inQuotes) {
          stop = i;
          break;
        }
      }
      if (inQuotes) return null;
      next = stop < 0 ? end : stop + 1;
      let parsed: string[][];
      try {
        parsed = parse(text.slice(at, stop < 0 ? end : crlf ? stop - 1 : stop)) as string[][];
      } catch {
        return null;
      }
      if (parsed.length !== 1) return null;
      fields.push(...(parsed[0] as string[]));
    } else {
      if (contentEnd === at) {
        at = next; // an empty line
        continue;
      }
      let from = at;
      for (
        let comma = text.indexOf(",", from);
        comma >= 0 && comma < contentEnd;
        comma = text.indexOf(",", from)
      ) {
        fields.push(text.slice(from, comma));
        from = comma + 1;
      }
      fields.push(text.slice(from, contentEnd));
    }
    at = next;
    if (header === null) {
      header = fields.map((h) => h.trim());
      if (new Set(header).size !== header.length || header.some((h) => h === "" || h === "__proto__"))
        return null;
      continue;
    }
    if (fields.length !== header.length) return null;
    const record: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) record[header[i] as string] = fields[i] as string;
    records.push(record);
  }
  return records;
}
