/**
 * What every importer source is (issue 16): a streaming reader of one file that yields wire
 * events — the JSON objects `POST /v1/events` accepts (docs/events.md) — in the order the file
 * gives them, in small groups, each group with the position after it so an import can stop and
 * resume there. Sources use `core` only (eslint.layers.js): they never store anything; the CLI's
 * `import` command sends what they yield through the ingest path.
 *
 * Event ids are derived from the source (file content, not file name or time of import), so a
 * second import of the same file is all duplicates.
 */

/** A wire envelope as POST /v1/events takes it (docs/events.md). */
export interface WireEvent {
  id: string;
  type: string;
  ticket_id: string;
  occurred_at: string;
  actor: { type: 'agent' | 'customer' | 'system'; id?: string };
  data: Record<string, unknown>;
}

/** A row the source could not turn into events: it names the row and the field. */
export interface SourceRejection {
  /** 1-based row (CSV line, XES event, JSON array element…) in the file. */
  row: number;
  /** The source's field (column, XES key, JSON path). */
  field: string;
  message: string;
}

/** What a source yields: events of whole tickets' rows, and where the file stands after them. */
export interface SourceChunk {
  events: WireEvent[];
  rejections: SourceRejection[];
  /** Rows (records) of the file read so far, for the progress bar. */
  rowsRead: number;
  /**
   * Bytes of the file read so far — compressed bytes for a `.gz` file — for the progress bar's
   * share done and ETA against the file's size (source-file.ts counts them). Optional: without
   * it the bar shows rates only.
   */
  bytesRead?: number;
  /**
   * Opaque, JSON-serialisable: passed back as `resumeFrom`, the source starts after this chunk.
   * Undefined when the source cannot resume here (it is then resumed from an earlier chunk).
   */
  checkpoint?: unknown;
}

export interface SourceOptions {
  /** IANA zone of naive timestamps (required by sources whose files have none). */
  timezone?: string;
  /** A mapping file's parsed content (XES, event CSV), when the user passes `--mapping`. */
  mapping?: unknown;
  /** A checkpoint from an earlier run's chunk. */
  resumeFrom?: unknown;
}

export interface ImportSource {
  /** The CLI name: `servicenow-audit`, `xes`, `event-csv`, `zendesk`, `glpi`. */
  name: string;
  /** One line for `deskmetrics import --help`. */
  summary: string;
  /** Whether `--timezone` is required (the format's timestamps carry no offset). */
  needsTimezone: boolean;
  /** The file's chunks, streamed (`.gz` files gunzipped); memory holds one ticket's rows. */
  read(path: string, options: SourceOptions): AsyncIterable<SourceChunk>;
}
