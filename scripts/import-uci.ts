/**
 * The UCI ServiceNow incident log into a running deskmetrics — a thin shim over the CLI's
 * `deskmetrics import servicenow-audit <file> --url … --key …` (docs/importers.md), kept for the
 * command lines that call it:
 *
 *   npx tsx scripts/import-uci.ts --url http://127.0.0.1:3000 --key dm_… \
 *     [--file ../shared/datasets/uci_incident_event_log.csv.gz] [--batch 10000]
 *
 * `--key` defaults to `$DESKMETRICS_API_KEY`. Every other option of the command (`--resume`,
 * `--max-rejects`, `--timezone`…) is passed through after `--`.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runCli } from '../src/cli/index.js';
import { describeFailure } from '../src/failure.js';

const DEFAULT_FILE = fileURLToPath(
  new URL('../../shared/datasets/uci_incident_event_log.csv.gz', import.meta.url),
);

const { values, positionals } = parseArgs({
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    file: { type: 'string', default: DEFAULT_FILE },
    batch: { type: 'string' },
  },
  allowPositionals: true,
  strict: true,
});

const args = ['import', 'servicenow-audit', values.file];
if (values.url !== undefined) args.push('--url', values.url);
if (values.key !== undefined) args.push('--key', values.key);
if (values.batch !== undefined) args.push('--batch', values.batch);

try {
  process.exitCode = (await runCli([...args, ...positionals])) ?? 0;
} catch (error) {
  const failure = describeFailure(error);
  console.error(`import-uci: ${failure.text}`);
  process.exitCode = failure.exitCode;
}
