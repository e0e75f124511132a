/**
 * A table as an Arrow IPC stream: the schema, then record batches of at most 16,384 rows (the
 * incoming batches re-chunked), then the end-of-stream marker. Types: timestamp →
 * Timestamp(ms, UTC), int → Int64, float → Float64, bool → Bool, string → Utf8, and a string
 * column marked `dictionary` → Dictionary<Int32, Utf8>.
 *
 * Dictionaries are shared across batches: each batch's dictionary message carries only the
 * values not sent before (a delta), and a dictionary past `dictionaryLimit` values is replaced by
 * a fresh one, so memory stays bounded when a "few values" column turns out to have many.
 */
import {
  AsyncByteQueue,
  Field,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  makeData,
} from 'apache-arrow';
import {
  isTextBatch,
  type ReportRow,
  type RowBatch,
  type ReportTable,
  type RowBatches,
} from '../core/report/table.js';
import { columnBuilders, type BuilderOptions, type ColumnBuilder } from './arrow-columns.js';
import type { ExportMeta } from './types.js';

export const ARROW_BATCH_ROWS = 16_384;
const DICTIONARY_LIMIT = 65_536;

/** Tuning knobs, for tests: the defaults are what the service uses. */
export interface ArrowOptions {
  batchRows?: number;
  dictionaryLimit?: number;
}

/** Collects what the IPC writer writes, to be taken as one chunk after each message. */
class ChunkSink extends AsyncByteQueue {
  private chunks: Uint8Array[] = [];
  override write(value: Parameters<AsyncByteQueue['write']>[0]): void {
    // The IPC writer only ever writes typed arrays.
    const view = value as ArrayBufferView;
    if (view.byteLength > 0) {
      this.chunks.push(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    }
  }
  /** Everything written since the last take, copied: the builders reuse their arrays. */
  take(): Buffer {
    const out = Buffer.concat(this.chunks);
    this.chunks = [];
    return out;
  }
}

/**
 * Re-chunks incoming row batches into record batches of a fixed row count, the last shorter:
 * the shared loop of the Arrow and Parquet writers.
 */
export class RecordBatcher {
  readonly schema: Schema;
  private builders: ColumnBuilder[];
  private length = 0;
  constructor(
    table: ReportTable,
    readonly options: BuilderOptions,
  ) {
    this.builders = columnBuilders(table.columns, options);
    const fields = table.columns.map(
      (c, i) => new Field(c.name, this.builders[i]!.type, c.nullable),
    );
    this.schema = new Schema(fields);
  }

  /**
   * Appends rows, yielding each batch as it fills up. A batch's arrays are the builders': it is
   * valid only until the generator resumes, so serialize it before asking for the next.
   */
  *add(rows: RowBatch): Generator<RecordBatch> {
    const { capacity } = this.options;
    const text = isTextBatch(rows) ? rows : undefined;
    let from = 0;
    while (from < rows.length) {
      const to = Math.min(rows.length, from + capacity - this.length);
      for (let c = 0; c < this.builders.length; c++) {
        if (text) this.builders[c]!.appendText(text, c, from, to);
        else this.builders[c]!.append(rows as ReportRow[], c, from, to);
      }
      this.length += to - from;
      from = to;
      if (this.length === capacity) yield this.finish();
    }
  }

  /** The rows appended and not yet emitted, as a batch; undefined when there are none. */
  rest(): RecordBatch | undefined {
    return this.length > 0 ? this.finish() : undefined;
  }

  /** A batch of no rows, for writers that need one to start (nothing may be pending). */
  empty(): RecordBatch {
    return this.finish();
  }

  private finish(): RecordBatch {
    const length = this.length;
    this.length = 0;
    const children = this.builders.map((b) => b.finish());
    const type = new Struct(this.schema.fields);
    return new RecordBatch(this.schema, makeData({ type, length, nullCount: 0, children }));
  }
}

/** The table as an Arrow IPC stream. The meta (a cursor) has no place in Arrow and is ignored. */
export async function* toArrow(
  table: ReportTable,
  batches: RowBatches,
  _meta?: ExportMeta,
  options: ArrowOptions = {},
): AsyncGenerator<Uint8Array> {
  const batcher = new RecordBatcher(table, {
    capacity: options.batchRows ?? ARROW_BATCH_ROWS,
    sharedDictionaries: true,
    dictionaryLimit: options.dictionaryLimit ?? DICTIONARY_LIMIT,
  });
  const sink = new ChunkSink();
  const writer = new RecordBatchStreamWriter();
  writer.reset(sink, batcher.schema);
  yield sink.take();
  for await (const rows of batches) {
    for (const batch of batcher.add(rows)) {
      writer.write(batch);
      yield sink.take();
    }
  }
  const last = batcher.rest();
  if (last) writer.write(last);
  writer.finish();
  yield sink.take();
}
