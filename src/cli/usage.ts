/** The CLI's usage text: all commands (`deskmetrics --help`) or one (`deskmetrics keys --help`). */
import { importSources } from '../importers/index.js';
import { SCOPES } from '../storage/tenant.repository.js';

export const COMMANDS = [
  'serve',
  'migrate',
  'tenants',
  'keys',
  'rebuild',
  'verify',
  'compact',
  'doctor',
  'reporting-role',
  'demo',
  'import',
  'help',
] as const;
export type Command = (typeof COMMANDS)[number];

export function isCommand(word: string | undefined): word is Command {
  return (COMMANDS as readonly (string | undefined)[]).includes(word);
}

const LINES: Record<Command, Array<[string, string]>> = {
  serve: [['serve', 'run the HTTP service (same as npm start)']],
  migrate: [['migrate', 'apply pending database migrations']],
  tenants: [
    ['tenants create <name>', 'create a tenant, print its id'],
    ['tenants list', 'list tenants: id, name, time zone'],
  ],
  keys: [
    [
      'keys create --tenant <id> --scopes <s1,s2> [--name <n>] [--expires <90d|12h|8w|instant>]',
      'create an API key (printed once), optionally expiring',
    ],
    [
      'keys list [--tenant <id>]',
      'list keys by prefix, with state, expiry and last use (never the keys themselves)',
    ],
    ['keys revoke <key_id> [--tenant <id>]', 'revoke a key (key_id, or the key as listed: dm_…)'],
  ],
  rebuild: [['rebuild [--tenant <id>]', 'recompute all derived data from the events']],
  verify: [
    ['verify [--tenant <id>]', 'recompute everything and compare with what is stored;'],
    ['', 'prints each difference, exits 1 if there is any'],
  ],
  compact: [['compact [--tenant <id>]', 'fold the rollup ledgers to one row per key']],
  doctor: [
    ['doctor [--json]', 'what deskmetrics runs on: the database, pending'],
    ['', 'migrations, Citus (version, worker nodes, shards per'],
    ['', 'co-location group) and each table’s distribution'],
    ['', '(distributed on tenant_id, reference or local); exits'],
    ['', '1 on a problem, such as a local table on Citus'],
  ],
  'reporting-role': [
    [
      'reporting-role create --tenant <id> --name <role> [--password <p>]',
      'a PostgreSQL login (DATABASE_URL only) reading',
    ],
    ['', 'this tenant’s rows through the reporting views, for'],
    ['', 'BI tools; prints its password (generated unless'],
    ['', 'given) and connection URL'],
    ['reporting-role drop --name <role>', 'revoke its grants and drop the login'],
    ['reporting-role list [--tenant <id>]', 'list reporting roles: name, tenant, created'],
  ],
  demo: [
    [
      'demo [--port <n>] [--data-dir <dir>] [--fresh]',
      'serve a generated help desk (20,000 tickets',
    ],
    ['', 'over the last 6 months) on its own embedded'],
    ['', 'database (default ./.deskmetrics-demo), loaded'],
    ['', 'through the API on the first run, reused after;'],
    ['', 'prints the dashboard URL and a reports:read key;'],
    ['', '--fresh generates it again up to now'],
    ['  [--tickets <n>] [--seed <n>]', 'another size or seed of help desk'],
  ],
  import: [
    [
      'import <source> <file> --tenant <id>',
      'a help desk’s history (.gz read as such) through the',
    ],
    ['', 'ingest path, into the configured database'],
    ['import <source> <file> --url <u> --key <k>', 'the same, into a running service'],
    ['  [--timezone <IANA zone>]', 'the zone of timestamps without offsets'],
    ['  [--mapping <file.json>]', 'a source’s field mapping (xes, event-csv)'],
    ['  [--resume] [--checkpoint <path>]', 'continue from the checkpoint (default'],
    ['', '<file>.deskmetrics-import.json), written after'],
    ['', 'every committed batch'],
    ['  [--max-rejects <n>] [--batch <n>]', 'exit 0 despite up to n rejections; events'],
    ['', 'per request (10000)'],
    ['  <source> is one of:', ''],
    ...importSources().map((s): [string, string] => [
      `    ${s.name}${s.needsTimezone ? ' (needs --timezone)' : ''}`,
      s.summary,
    ]),
  ],
  help: [['help [<command>]', 'this text, or one command’s (also --help, -h)']],
};

/** Descriptions start in this column; a longer synopsis gets a line of its own. */
const COLUMN = 40;

function table(commands: readonly Command[]): string {
  return commands
    .flatMap((c) => LINES[c])
    .map(([synopsis, what]) =>
      synopsis.length < COLUMN - 1
        ? `  ${synopsis.padEnd(COLUMN)}${what}`
        : `  ${synopsis}\n  ${''.padEnd(COLUMN)}${what}`,
    )
    .join('\n');
}

const FOOTER = `scopes: ${SCOPES.join(', ')}
database: DATABASE_URL (a PostgreSQL server), else the embedded database in DESKMETRICS_DATA_DIR
(default ./.deskmetrics-data), which one process at a time may open`;

export function usage(command?: Command): string {
  if (command === undefined || command === 'help') {
    return `usage: deskmetrics <command> [options]\n\n${table(COMMANDS)}\n\n${FOOTER}`;
  }
  return `usage:\n${table([command])}\n\n${FOOTER}`;
}

/** After a usage mistake: the command's lines, or a pointer to --help. */
export function usageHint(command?: Command): string {
  return command === undefined || command === 'help'
    ? 'run "deskmetrics --help" for the commands'
    : `usage:\n${table([command])}`;
}
