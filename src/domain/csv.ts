// CSV for a spreadsheet (RFC 4180): every cell quoted, and a cell a spreadsheet would take for a
// formula (=, +, -, @, tab, carriage return first) opened with an apostrophe, so a summary such
// as =HYPERLINK(...) typed by anyone is shown as text, never run.

const formulaStart = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '""';
  const text = typeof value === 'number' ? String(value) : formulaStart.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Rows joined with CRLF, the header first. */
export function csvOf(header: readonly string[], rows: (string | number | null | undefined)[][]): string {
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
