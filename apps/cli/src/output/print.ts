import Table from 'cli-table3';

/** A column of a table: its heading and how to show a row's cell. */
export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
}

/** No box, two spaces between columns: output that reads like `ps` or `kubectl get`. */
const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [] },
};

/** Renders rows as an aligned table with a header line; empty cells read `-`. */
export function renderTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const table = new Table({
    ...PLAIN,
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? 'left'),
  });
  for (const row of rows) {
    table.push(columns.map((c) => cell(c.value(row))));
  }
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

/** Prints the table; nothing when there are no rows (the command's summary line says so). */
export function printTable<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>): void {
  if (rows.length) process.stdout.write(`${renderTable(rows, columns)}\n`);
}

/** `label  value` pairs, labels aligned: one record shown field by field. */
export function printFields(fields: ReadonlyArray<[string, string | number | null | undefined]>) {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) {
    process.stdout.write(`${label.padEnd(width)}  ${cell(value)}\n`);
  }
}

/** What `--json` prints: the value as the REST API would answer it, indented. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}
