/**
 * The XLSX writer, read by two libraries other than the writer: SheetJS for the cells (types and
 * values equal to the JSON writer's rows, timestamps as date-time serials in UTC) and ExcelJS for
 * what SheetJS's community build does not read (frozen pane, bold header, number format, column
 * widths); the definitions sheet; Excel's limits; an empty table.
 */
import ExcelJS from 'exceljs';
import XLSX from 'xlsx';
import { beforeAll, describe, expect, it } from 'vitest';
import { sheetName, toXlsx } from '../../../src/exports/xlsx.js';
import type { ReportTable } from '../../../src/core/report/table.js';
import {
  TABLE,
  collect,
  fixtureRows,
  inBatches,
  jsonRows,
  noRows,
  type JsonRow,
} from './fixture.js';

const DAY_MS = 86_400_000;
const EPOCH_SERIAL = 25_569;

/** The first sheet's cells as the JSON writer's rows, checking each cell's type on the way. */
function sheetRows(book: XLSX.WorkBook, table: ReportTable = TABLE): JsonRow[] {
  const sheet = book.Sheets[book.SheetNames[0]!]!;
  const range = XLSX.utils.decode_range(sheet['!ref']!);
  const rows: JsonRow[] = [];
  for (let r = 1; r <= range.e.r; r++) {
    const row: JsonRow = {};
    table.columns.forEach((column, c) => {
      const cell = sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined;
      if (cell === undefined) return void (row[column.name] = null);
      const expectedType = { string: 's', int: 'n', float: 'n', timestamp: 'n', bool: 'b' }[
        column.type
      ];
      expect(cell.t, `${column.name} of row ${r}`).toBe(expectedType);
      if (column.type === 'timestamp') {
        expect(cell.z).toBe('yyyy-mm-dd hh:mm:ss.000');
        const ms = Math.round(((cell.v as number) - EPOCH_SERIAL) * DAY_MS);
        row[column.name] = new Date(ms).toISOString();
      } else row[column.name] = cell.v as string | number | boolean;
    });
    rows.push(row);
  }
  return rows;
}

async function readBoth(bytes: Buffer) {
  const book = XLSX.read(bytes, { type: 'buffer', cellNF: true });
  const excel = new ExcelJS.Workbook();
  await excel.xlsx.load(bytes as unknown as ArrayBuffer);
  return { book, excel };
}

describe('XLSX writer', () => {
  const rows = fixtureRows(3_000);
  let bytes: Buffer;
  let book: XLSX.WorkBook;
  let excel: ExcelJS.Workbook;
  beforeAll(async () => {
    bytes = await collect(toXlsx(TABLE, inBatches(rows, [5, 0, 1, 1_000, 7])));
    ({ book, excel } = await readBoth(bytes));
  });

  it('has the report’s sheet then the definitions sheet', () => {
    expect(book.SheetNames).toEqual(['fixture', 'definitions']);
  });

  it('holds typed cells equal to the JSON writer’s rows', async () => {
    expect(sheetRows(book)).toEqual(await jsonRows(rows));
  });

  it('keeps timestamps to the millisecond as Excel serial days in UTC', () => {
    const sheet = book.Sheets.fixture!;
    expect(sheet.D2!.v).toBe(Date.parse('2026-01-01T10:00:00.000Z') / DAY_MS + EPOCH_SERIAL);
    const date = excel.getWorksheet('fixture')!.getCell('D2').value as Date;
    expect(date.toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });

  it('has a bold, frozen header row and fitted column widths', () => {
    const sheet = excel.getWorksheet('fixture')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1, topLeftCell: 'A2' });
    TABLE.columns.forEach((column, i) => {
      const header = sheet.getRow(1).getCell(i + 1);
      expect(header.value).toBe(column.name);
      expect(header.font?.bold).toBe(true);
      const width = sheet.getColumn(i + 1).width!;
      expect(width).toBeGreaterThanOrEqual(Math.max(8, column.name.length));
      expect(width).toBeLessThanOrEqual(60);
    });
    expect(sheet.getColumn(4).width).toBeGreaterThanOrEqual(23); // a whole date-time shows
    expect(sheet.getCell('D2').numFmt).toBe('yyyy-mm-dd hh:mm:ss.000');
    expect(sheet.getCell('B2').font?.bold).toBeFalsy();
  });

  it('lists each column’s name, type and description on the definitions sheet', () => {
    const definitions = XLSX.utils.sheet_to_json(book.Sheets.definitions!, { header: 1 });
    expect(definitions).toEqual([
      ['column', 'type', 'description'],
      ...TABLE.columns.map((c) => [c.name, c.type, c.description]),
    ]);
    expect(excel.getWorksheet('definitions')!.getRow(1).getCell(1).font?.bold).toBe(true);
  });

  it('writes an empty table as the header row and the definitions', async () => {
    const empty = await collect(toXlsx(TABLE, noRows()));
    const read = await readBoth(empty);
    expect(read.book.SheetNames).toEqual(['fixture', 'definitions']);
    expect(XLSX.utils.sheet_to_json(read.book.Sheets.fixture!, { header: 1 })).toEqual([
      TABLE.columns.map((c) => c.name),
    ]);
    expect(read.excel.getWorksheet('fixture')!.views[0]).toMatchObject({ state: 'frozen' });
  });
});

describe('XLSX limits', () => {
  const table: ReportTable = { name: 'text', columns: [TABLE.columns[1]!] };

  it('cuts text past Excel’s 32,767 characters, never through a surrogate pair', async () => {
    const long = 'x'.repeat(32_766) + '😀' + 'tail';
    const bytes = await collect(toXlsx(table, inBatches([[long], ['y'.repeat(40_000)]])));
    const sheet = XLSX.read(bytes, { type: 'buffer' }).Sheets.text!;
    expect(sheet.A2!.v).toBe('x'.repeat(32_766));
    expect((sheet.A3!.v as string).length).toBe(32_767);
  });

  it('fails rather than write more rows than a sheet holds', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => [`r${i}`]);
    const write = collect(toXlsx(table, inBatches(rows, [4]), {}, { maxRows: 9 }));
    await expect(write).rejects.toThrow(/at most 8 rows/);
  });

  it('names the sheet as Excel allows', () => {
    expect(sheetName('sla/instances:[2026]?')).toBe('sla_instances__2026__');
    expect(sheetName('a'.repeat(40))).toHaveLength(31);
    expect(sheetName('definitions')).toBe('report');
  });
});
