/**
 * The import sources by their CLI name (`deskmetrics import <source> <file>`, issue 16). Each is
 * a streaming reader in `src/importers/<source>/` implementing {@link ImportSource}; the CLI's
 * `import` command sends what they yield through the ingest path. docs/importers.md documents them.
 */
import type { ImportSource } from './source.js';
import { servicenowAudit } from './servicenow-audit/index.js';
// Sources of the other importers (issue 16): add their imports here, one a line.
// -- xes --
import { xes } from './xes/index.js';
// -- event-csv --
import { eventCsv } from './event-csv/index.js';
// -- zendesk --
import { zendesk } from './zendesk/index.js';
// -- glpi --
import { glpi } from './glpi/index.js';

const SOURCES: readonly ImportSource[] = [
  servicenowAudit,
  // Add each source here, in the order `deskmetrics import --help` lists them:
  // -- xes --
  xes,
  // -- event-csv --
  eventCsv,
  // -- zendesk --
  zendesk,
  // -- glpi --
  glpi,
];

/** Every source, in the order `deskmetrics import --help` lists them. */
export function importSources(): readonly ImportSource[] {
  return SOURCES;
}

/** The source of that name, or undefined. */
export function findImportSource(name: string): ImportSource | undefined {
  return SOURCES.find((source) => source.name === name);
}

export type {
  ImportSource,
  SourceChunk,
  SourceOptions,
  SourceRejection,
  WireEvent,
} from './source.js';
