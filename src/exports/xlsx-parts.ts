/**
 * The fixed parts of an XLSX package (SpreadsheetML, ECMA-376): content types, relationships, the
 * workbook with its sheet names, and the styles the sheets refer to by index. The sheets
 * themselves are streamed by xlsx.ts.
 */

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** Style indexes (cellXfs) of styles.xml. */
export const STYLE = { plain: 0, header: 1, dateTime: 2 } as const;

/**
 * The Excel number format of timestamps: a date-time, in the UTC the serial numbers hold, to the
 * millisecond (to the second, Excel would round 23:59:59.999 up into the next day).
 */
export const DATE_TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss.000';

export const SHEET_OPEN = `${XML}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">`;

/** Paths of the sheets, in workbook order. */
export const sheetPath = (i: number) => `xl/worksheets/sheet${i + 1}.xml`;

export function contentTypes(sheets: number): string {
  const overrides = Array.from(
    { length: sheets },
    (_, i) => `<Override PartName="/${sheetPath(i)}" ContentType="${CT}.worksheet+xml"/>`,
  ).join('');
  return (
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>` +
    `${overrides}</Types>`
  );
}

export const ROOT_RELS =
  `${XML}<Relationships xmlns="${PKG_REL_NS}">` +
  `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
  '</Relationships>';

export function workbookRels(sheets: number): string {
  const rels = Array.from(
    { length: sheets },
    (_, i) =>
      `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join('');
  const styles = `<Relationship Id="rId${sheets + 1}" Type="${REL_NS}/styles" Target="styles.xml"/>`;
  return `${XML}<Relationships xmlns="${PKG_REL_NS}">${rels}${styles}</Relationships>`;
}

/** The workbook: the sheets by name, the first one active. Names must already be valid. */
export function workbook(names: readonly string[]): string {
  const sheets = names
    .map(
      (name, i) => `<sheet name="${escapeAttribute(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`,
    )
    .join('');
  return (
    `${XML}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    '<bookViews><workbookView activeTab="0"/></bookViews>' +
    `<sheets>${sheets}</sheets></workbook>`
  );
}

export const STYLES =
  `${XML}<styleSheet xmlns="${MAIN_NS}">` +
  `<numFmts count="1"><numFmt numFmtId="164" formatCode="${DATE_TIME_FORMAT}"/></numFmts>` +
  '<fonts count="2">' +
  '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '</fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill>' +
  '<fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3">' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '</cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

/** Sheet views: the header row frozen (the pane below it scrolls), A2 selected. */
export const FROZEN_HEADER =
  '<sheetViews><sheetView workbookViewId="0">' +
  '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
  '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' +
  '</sheetView></sheetViews>';

/** Column widths, in characters of the default font. */
export function cols(widths: readonly number[]): string {
  const each = widths.map(
    (w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`,
  );
  return `<cols>${each.join('')}</cols>`;
}

// Characters XML 1.0 forbids (and \r, which parsers fold into \n) are written as Excel's
// `_xHHHH_` escapes; a literal `_xHHHH_` in the text gets its underscore escaped so it survives.
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const SPECIAL = /[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|\p{Cs}|_x[0-9A-Fa-f]{4}_/u;
const SPECIAL_ALL = new RegExp(SPECIAL.source, 'gu');

function escapeOne(m: string): string {
  if (m === '&') return '&amp;';
  if (m === '<') return '&lt;';
  if (m === '>') return '&gt;';
  if (m.length > 1) return `_x005F_${m.slice(1)}`;
  return `_x${m.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`;
}

/** Text for an element's content. */
export function escapeText(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, escapeOne) : s;
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}
