/**
 * The committed queries/ is what the code runs: every SQL statement against tenant data, as
 * scripts/generate-queries.ts renders it. Regenerate with `npm run generate` when a query changes,
 * and review the diff.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  HEADER,
  renderQueries,
  SAMPLES,
  staleQueryFiles,
  writeQueries,
  type SampleTable,
} from '../../scripts/generate-queries.js';

const fixtures = (name: string) =>
  fileURLToPath(new URL(`../fixtures/queries/${name}`, import.meta.url));

const WIDGET_SAMPLES: SampleTable = {
  findWidgetTickets: [{ args: () => ['00000000-0000-4000-8000-000000000001'] }],
  widgetLabel: { skip: 'formats a label in memory' },
  widgetCode: { skip: 'formats a code in memory' },
  copyWidgets: [{ args: () => ['00000000-0000-4000-8000-000000000001'] }],
  replaceWidgets: [{ args: () => ['00000000-0000-4000-8000-000000000001'] }],
};

let rendered: Map<string, string>;
beforeAll(async () => {
  rendered = await renderQueries();
});

const temporary: string[] = [];
afterEach(async () => {
  await Promise.all(temporary.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 'deskmetrics-queries-'));
  temporary.push(dir);
  return dir;
}

describe('queries/', () => {
  it('is what the code runs (run `npm run generate` if not)', async () => {
    expect(await staleQueryFiles(rendered)).toEqual([]);
  });

  it('has a file per repository, each naming its source and the function of each statement', () => {
    expect([...rendered.keys()]).toEqual(
      expect.arrayContaining(['ticket-event.repository.sql', 'tenant.repository.sql']),
    );
    for (const [name, content] of rendered) {
      const [first, second] = content.split('\n');
      expect(first, name).toBe(HEADER);
      expect(second, name).toMatch(/^-- source: src\/.+\.ts$/);
      expect(content, name).toMatch(/\n\n-- \w[\w.]*(: .+)?\n/);
    }
    const events = rendered.get('ticket-event.repository.sql')!;
    expect(events).toContain('\n-- insertEvents\ninsert into\n  ticket_event');
    expect(events).toContain('-- COPY_EVENTS_STATEMENT (constant)\ncopy ticket_event');
  });

  it('is rendered the same way twice', async () => {
    expect(await renderQueries()).toEqual(rendered);
  });

  it('is out of date when a query changes', async () => {
    const changed = await renderQueries({
      samples: {
        ...SAMPLES,
        // As if listCalendarVersions always filtered by one calendar.
        listCalendarVersions: [{ args: () => ['00000000-0000-4000-8000-000000000001', 'office'] }],
      },
    });
    const differing = [...changed].filter(([name, content]) => rendered.get(name) !== content);
    expect(differing.map(([name]) => name)).toEqual(['calendar.repository.sql']);
    expect(await staleQueryFiles(changed)).toContain(
      'queries/calendar.repository.sql is out of date: run npm run generate',
    );
  });
});

describe('renderQueries on fixture modules', () => {
  it('detects a change in a repository query, and a file no longer generated', async () => {
    const dir = await tempDir();
    const before = await renderQueries({ srcDir: fixtures('v1'), samples: WIDGET_SAMPLES });
    await writeQueries(before, dir);
    expect(await staleQueryFiles(before, dir)).toEqual([]);

    const after = await renderQueries({ srcDir: fixtures('v2'), samples: WIDGET_SAMPLES });
    expect(after.get('widget.repository.sql')).not.toBe(before.get('widget.repository.sql'));
    expect(after.get('widget.repository.sql')).toContain('and "deleted" = $2');
    const stale = await staleQueryFiles(after, dir);
    expect(stale).toHaveLength(2);
    expect(stale[0]).toMatch(/\/widget\.repository\.sql is out of date: run npm run generate$/);
    expect(stale[1]).toMatch(/\/widget-report\.sql is no longer generated: run npm run generate$/);

    await writeFile(join(dir, 'notes.txt'), 'not a query file');
    await writeQueries(after, dir);
    expect(await staleQueryFiles(after, dir)).toEqual([]);
  });

  it('renders a repository: statements by function, COPY and transactions included', async () => {
    const out = await renderQueries({ srcDir: fixtures('v1'), samples: WIDGET_SAMPLES });
    expect(out.get('widget.repository.sql')).toBe(
      [
        HEADER,
        '-- source: test/fixtures/queries/v1/widget.repository.ts',
        '',
        '-- copyWidgets',
        'delete from ticket_fold_failure',
        'where',
        '  tenant_id = $1::uuid;',
        '',
        'copy ticket_fold_failure (tenant_id, ticket_id, error)',
        'from',
        '  stdin;',
        '',
        '-- findWidgetTickets',
        'select',
        '  "ticket_id"',
        'from',
        '  "ticket"',
        'where',
        '  "tenant_id" = $1;',
        '',
        '-- replaceWidgets',
        'begin;',
        '',
        'delete from "ticket_fold_failure"',
        'where',
        '  "tenant_id" = $1;',
        '',
        'commit;',
        '',
      ].join('\n'),
    );
  });

  it('renders SQL outside repositories from its text, with placeholders, fragments left out', async () => {
    const out = await renderQueries({ srcDir: fixtures('v1'), samples: WIDGET_SAMPLES });
    expect(out.get('widget-report.sql')).toBe(
      [
        HEADER,
        '-- source: test/fixtures/queries/v1/widget-report.ts',
        '-- rendered from the SQL text, not run: each ${…} is a placeholder $n',
        '',
        '-- widgetCount',
        'select',
        '  count(*)',
        'from',
        '  ticket',
        'where',
        '  tenant_id = $1::uuid',
        '  and $2;',
        '',
      ].join('\n'),
    );
  });

  it('fails on an exported function that takes a database and has no sample', async () => {
    await expect(
      renderQueries({
        srcDir: fixtures('v1'),
        samples: {
          widgetLabel: WIDGET_SAMPLES.widgetLabel!,
          widgetCode: WIDGET_SAMPLES.widgetCode!,
        },
      }),
    ).rejects.toThrow(
      'test/fixtures/queries/v1/widget.repository.ts: findWidgetTickets takes a database but has no sample in SAMPLES',
    );
  });

  it('fails on a database function listed as skipped', async () => {
    await expect(
      renderQueries({
        srcDir: fixtures('v1'),
        samples: { ...WIDGET_SAMPLES, findWidgetTickets: { skip: 'trust me' } },
      }),
    ).rejects.toThrow('findWidgetTickets takes a database, so SAMPLES cannot skip it');
  });

  it.each(['widgetLabel', 'widgetCode'])('fails on an unlisted export (%s)', async (name) => {
    const { [name]: _unlisted, ...samples } = WIDGET_SAMPLES;
    await expect(renderQueries({ srcDir: fixtures('v1'), samples })).rejects.toThrow(
      `widget.repository.ts exports ${name}, which SAMPLES in scripts/query-samples.ts does not list`,
    );
  });

  it('fails on a sample of a function no repository exports', async () => {
    await expect(
      renderQueries({
        srcDir: fixtures('v1'),
        samples: { ...WIDGET_SAMPLES, findGadget: { skip: 'gone' } },
      }),
    ).rejects.toThrow('lists findGadget, which no repository exports');
  });

  it('fails on a sample that runs no SQL, or that throws', async () => {
    await expect(
      renderQueries({
        srcDir: fixtures('v1'),
        samples: { ...WIDGET_SAMPLES, widgetLabel: [{ args: () => ['T-1'] }] },
      }),
    ).rejects.toThrow('widget.repository.ts: widgetLabel ran no SQL on its sample arguments');
    await expect(
      renderQueries({
        srcDir: fixtures('v1'),
        samples: {
          ...WIDGET_SAMPLES,
          findWidgetTickets: [
            {
              args: () => {
                throw new Error('bad sample');
              },
            },
          ],
        },
      }),
    ).rejects.toThrow('findWidgetTickets failed on its sample arguments: Error: bad sample');
  });

  it('fails on a Kysely builder query outside a repository', async () => {
    await expect(
      renderQueries({ srcDir: fixtures('builder-outside'), samples: WIDGET_SAMPLES }),
    ).rejects.toThrow(
      'Kysely queries outside a repository cannot be rendered into queries/: move them into a src/storage/*.repository.ts module (test/fixtures/queries/builder-outside/widget-report.ts:6 (selectFrom))',
    );
  });
});
