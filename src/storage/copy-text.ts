/** PostgreSQL COPY text format helpers. */

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** A COPY text field: backslash, tab, newline and carriage return escaped. */
export function copyField(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}
