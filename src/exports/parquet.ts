/**
 * A table as Parquet, streamed a row group at a time: rows become Arrow record batches (the Arrow
 * writer's builders), each is handed to parquet-wasm (Rust's arrow-rs Parquet writer compiled to
 * WebAssembly) through its streaming transform, and the bytes of each row group are yielded as
 * soon as the group is written, so memory holds one row group, not the file.
 *
 * Row groups of 32,768 rows, snappy-compressed; types as in Arrow (timestamps as
 * TIMESTAMP(MILLIS, UTC), int64, double, boolean, UTF-8 strings), dictionary encoding on the
 * columns marked `dictionary` only. parquet-wasm was chosen over the pure-JS hyparquet-writer:
 * both stream row groups, but on the benchmark table hyparquet-writer made ~140k rows/s where
 * parquet-wasm made ~290k with default settings and ~500k with these.
 */
import { RecordBatchStreamWriter, type RecordBatch } from 'apache-arrow';
import type * as ParquetWasmModule from 'parquet-wasm';
import type { RecordBatch as WasmRecordBatch, WriterProperties } from 'parquet-wasm';
import type { ReportTable, RowBatch, RowBatches } from '../core/report/table.js';
import { RecordBatcher } from './arrow.js';
import type { ExportMeta } from './types.js';

export const PARQUET_ROW_GROUP_ROWS = 32_768;

type ParquetWasm = typeof ParquetWasmModule;
let loading: Promise<ParquetWasm> | undefined;

// Loaded on first use: compiling the 5 MB WebAssembly module costs ~70 ms and ~20 MB at import,
// which a service that never exports Parquet should not pay at start.
function parquetWasm(): Promise<ParquetWasm> {
  loading ??= import('parquet-wasm');
  return loading;
}

/** Tuning knobs, for tests: the defaults are what the service uses. */
export interface ParquetOptions {
  rowGroupRows?: number;
}

function writerProperties(
  { Compression, WriterPropertiesBuilder }: ParquetWasm,
  table: ReportTable,
  rowGroupRows: number,
): WriterProperties {
  // Dictionary encoding only where the report says values repeat: elsewhere arrow-rs would try
  // a dictionary on every column chunk and fall back, paying for both.
  let builder = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setMaxRowGroupSize(rowGroupRows)
    .setDictionaryEnabled(false);
  for (const column of table.columns) {
    if (column.dictionary) builder = builder.setColumnDictionaryEnabled(column.name, true);
  }
  return builder.build();
}

/** A JS record batch copied into WebAssembly memory, through IPC bytes. */
function toWasm(wasm: ParquetWasm, batch: RecordBatch): WasmRecordBatch {
  const bytes = RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
  const table = wasm.Table.fromIPCStream(bytes);
  try {
    return table.recordBatch(0)!;
  } finally {
    table.free();
  }
}

/**
 * The record batches of the source as a ReadableStream pulled by the Parquet writer: the source
 * is read only when the writer asks (highWaterMark 0), so back-pressure reaches the database.
 */
class BatchSource {
  readonly stream: ReadableStream<WasmRecordBatch>;
  /** The source's own error, rethrown as is rather than as the writer's report of it. */
  error: unknown;
  private iterator: AsyncIterator<RowBatch>;
  // Converted as soon as made: a batch's arrays are the builders', reused for the next rows.
  private pending: WasmRecordBatch[] = [];
  private done = false;
  private sent = 0;

  constructor(
    batches: RowBatches,
    private batcher: RecordBatcher,
    private wasm: ParquetWasm,
  ) {
    this.iterator = batches[Symbol.asyncIterator]();
    this.stream = new ReadableStream<WasmRecordBatch>(
      { pull: (controller) => this.pull(controller) },
      { highWaterMark: 0 },
    );
  }

  private async pull(controller: ReadableStreamDefaultController<WasmRecordBatch>) {
    try {
      while (this.pending.length === 0 && !this.done) await this.read();
      const batch = this.pending.shift();
      if (batch) {
        this.sent++;
        controller.enqueue(batch);
      } else controller.close();
    } catch (error) {
      this.error = error;
      controller.error(error);
    }
  }

  private async read(): Promise<void> {
    const next = await this.iterator.next();
    if (next.done) {
      this.done = true;
      const rest = this.batcher.rest();
      if (rest) this.pending.push(toWasm(this.wasm, rest));
      // The writer takes its schema from the first batch: an empty table still sends one.
      else if (this.sent === 0) this.pending.push(toWasm(this.wasm, this.batcher.empty()));
    } else {
      for (const batch of this.batcher.add(next.value)) this.pending.push(toWasm(this.wasm, batch));
    }
  }

  /** Ends the source early (the consumer went away), closing its cursor. */
  async close(): Promise<void> {
    // Batches not handed over hold WebAssembly memory until freed (or, late, collected).
    for (const batch of this.pending.splice(0)) batch.free();
    if (this.done) return;
    this.done = true;
    await this.iterator.return?.();
  }
}

/** The table as a Parquet file. The meta (a cursor) has no place in Parquet and is ignored. */
export async function* toParquet(
  table: ReportTable,
  batches: RowBatches,
  _meta?: ExportMeta,
  options: ParquetOptions = {},
): AsyncGenerator<Uint8Array> {
  const rowGroupRows = options.rowGroupRows ?? PARQUET_ROW_GROUP_ROWS;
  const batcher = new RecordBatcher(table, {
    // Two record batches per row group keep the JS-side arrays at half a group.
    capacity: Math.max(1, Math.ceil(rowGroupRows / 2)),
    sharedDictionaries: false,
    dictionaryLimit: Infinity,
  });
  const wasm = await parquetWasm();
  const source = new BatchSource(batches, batcher, wasm);
  const properties = writerProperties(wasm, table, rowGroupRows);
  // The writer reports a failed source as its own cast error: the source's error says more.
  const sourceError = (error: unknown) => {
    throw source.error ?? error;
  };
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let finished = false;
  try {
    // The transform reads the first batch (for the schema) before it returns.
    const output = await wasm.transformParquetStream(source.stream, properties).catch(sourceError);
    reader = (output as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const next = await reader.read().catch(sourceError);
      if (next.done) break;
      yield next.value;
    }
    finished = true;
  } finally {
    if (!finished) {
      await reader?.cancel().catch(() => undefined);
      await source.close();
    }
  }
}
