/** docs/reports.md documents every column of every report and of the HR export. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AGENT_PRODUCTIVITY } from '../../src/reporting/reports/agent-productivity.js';
import { REPORT_NAMES, reportColumns } from '../../src/reporting/reports/index.js';

const tables = [
  ...REPORT_NAMES.map((name) => ({ name, columns: reportColumns(name) })),
  AGENT_PRODUCTIVITY,
];

describe('docs/reports.md', () => {
  it.each(tables.map((t) => [t.name, t]))(
    'lists every column of %s, in order',
    async (_name, table) => {
      const text = await readFile(new URL('../../docs/reports.md', import.meta.url), 'utf8');
      const section = text.split(`### \`${table.name}\``)[1]?.split('\n### ')[0];
      expect(section, `a "### \`${table.name}\`" section`).toBeDefined();
      const documented = [...section!.matchAll(/^\| `([a-z0-9_]+)`/gm)].map((m) => m[1]);
      expect(documented).toEqual(table.columns.map((c) => c.name));
    },
  );
});
