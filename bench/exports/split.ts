/**
 * Where an export's time goes, stage by stage, one at a time (no pipelining, no HTTP): the
 * database read the service does for the row formats (`COPY (<statement, rows encoding>) TO
 * STDOUT`, text, captured into memory), then in this process on those captured bytes the COPY
 * text parser alone (src/storage/reports/copy-rows.ts) and parser + each writer (src/exports).
 * The service runs the database read and the Node.js work on different cores at once, so its
 * rows/s is about the slower of the two; this tells which one, and by how much.
 *
 *   node --max-semi-space-size=128 --import tsx bench/exports/split.ts [--report tickets]
 *        [--repeats 3] [--formats arrow,parquet] [--database-url URL] [--rows 1000000]
 *
 * It reads the database run.ts loaded (deskmetrics_bench_exports_<rows>).
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { parseArgs } from 'node:util';
import { EXPORT_FORMATS } from '../../src/exports/index.js';
import { copyTextBatches } from '../../src/storage/reports/copy-rows.js';
import { reportStatement, type ReportName } from '../../src/storage/reports/statements.js';
import { databaseName, withDatabase } from './database.js';
import { FORMATS, OptionError, REPORTS } from './options.js';
import { fmtInt, fmtMb, median } from './results.js';

interface Args {
  report: ReportName;
  repeats: number;
  formats: string[];
  url: string;
}

function args(): Args {
  const { values } = parseArgs({
    options: {
      report: { type: 'string', default: 'tickets' },
      repeats: { type: 'string', default: '3' },
      formats: { type: 'string', default: FORMATS.join(',') },
      rows: { type: 'string', default: '1000000' },
      'database-url': {
        type: 'string',
        default: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      },
    },
  });
  if (!(REPORTS as readonly string[]).includes(values.report)) {
    throw new OptionError(`--report is one of ${REPORTS.join(', ')}, not "${values.report}"`);
  }
  const formats = values.formats.split(',').filter((f) => f in EXPORT_FORMATS);
  return {
    report: values.report as ReportName,
    repeats: Math.max(1, Number(values.repeats) || 3),
    formats,
    url: withDatabase(values['database-url'], databaseName(Number(values.rows))),
  };
}

async function* replay(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const c of chunks) yield c;
}

/** The database read, as the service does it for the row formats; the bytes kept. */
async function capture(
  client: pg.Client,
  sql: string,
): Promise<{ seconds: number; chunks: Buffer[] }> {
  const chunks: Buffer[] = [];
  const t0 = performance.now();
  const stream = client.query(copyTo(`copy (${sql}) to stdout`));
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return { seconds: (performance.now() - t0) / 1000, chunks };
}

async function timed(work: () => Promise<number>): Promise<{ seconds: number; out: number }> {
  const t0 = performance.now();
  const out = await work();
  return { seconds: (performance.now() - t0) / 1000, out };
}

async function main(): Promise<void> {
  const a = args();
  const client = new pg.Client({ connectionString: a.url });
  await client.connect().catch((error: unknown) => {
    throw new OptionError(
      `cannot reach ${a.url} (${(error as Error).message}): load it with run.ts --load-only`,
    );
  });
  const { rows } = await client.query<{ tenant_id: string }>(
    `select tenant_id from tenant where name = 'bench-exports'`,
  );
  const tenantId = rows[0]!.tenant_id;
  const statement = reportStatement(
    a.report,
    { tenantId, now: Date.now(), zone: 'UTC', filters: {} },
    'rows',
  );
  const table = { name: a.report, columns: statement.columns };
  const width = statement.columns.length;
  const dbRuns: number[] = [];
  let chunks: Buffer[] = [];
  for (let r = 0; r < a.repeats; r++) {
    const got = await capture(client, statement.sql);
    dbRuns.push(got.seconds);
    chunks = got.chunks;
  }
  await client.end();
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  const parse = async () => {
    let n = 0;
    for await (const batch of copyTextBatches(replay(chunks), width)) n += batch.length;
    return n;
  };
  const count = await parse();
  const line = (stage: string, seconds: number, extra = '') =>
    console.log(
      `  ${stage.padEnd(28)} ${seconds.toFixed(2).padStart(7)} s ${fmtInt(count / seconds).padStart(10)} rows/s${extra}`,
    );
  console.log(
    `${a.report}: ${fmtInt(count)} rows, COPY text ${fmtMb(bytes)} MB; medians of ${a.repeats}`,
  );
  line('database read (COPY text)', median(dbRuns));
  const parseRuns: number[] = [];
  for (let r = 0; r < a.repeats; r++) parseRuns.push((await timed(parse)).seconds);
  const parseSeconds = median(parseRuns);
  line('parse COPY text → rows', parseSeconds);
  for (const format of a.formats) {
    const runs: Array<{ seconds: number; out: number }> = [];
    for (let r = 0; r < a.repeats; r++) {
      runs.push(
        await timed(async () => {
          let out = 0;
          const batches = copyTextBatches(replay(chunks), width);
          for await (const piece of EXPORT_FORMATS[format as keyof typeof EXPORT_FORMATS].write(
            table,
            batches,
            {
              nextCursor: null,
            },
          ))
            out += piece.byteLength;
          return out;
        }),
      );
    }
    const seconds = median(runs.map((x) => x.seconds));
    line(
      `parse + ${format} writer`,
      seconds,
      `  (writer alone ≈ ${(seconds - parseSeconds).toFixed(2)} s; ${fmtMb(runs[0]!.out)} MB out)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`bench/exports/split: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = error instanceof OptionError ? 2 : 1;
});
