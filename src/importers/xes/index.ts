/**
 * The `xes` source: an IEEE 1849 XES event log (`.xes` or `.xes.gz`), read as a stream of tags
 * ({@link XmlTokenizer}) with one trace in memory at a time. Each `<trace>` is a ticket; each of
 * its `<event>`s a record whose typed attributes (`<string|date|int|float|boolean|id key value>`)
 * are read as text. mapping.ts documents the mapping (BPIC 2013 by default, or `--mapping`).
 * Rows are the log's events, 1-based in file order.
 */
import type { ImportSource, SourceChunk, SourceOptions } from '../source.js';
import { XmlTokenizer, type XmlToken } from '../xml.js';
import { EventLogMapper, type LogCase, type LogRecord } from './event-log.js';
import { xesMapping } from './mapping.js';
import {
  chunkTickets,
  instantReader,
  openText,
  type ReadTicket,
  type SourceText,
} from './reading.js';

const VALUE_TAGS = new Set(['string', 'date', 'int', 'float', 'boolean', 'id']);

interface Trace {
  attributes: Record<string, string>;
  records: LogRecord[];
}

/** Folds the tag stream into traces: the state between tags. */
class TraceReader {
  private readonly stack: string[] = [];
  private trace: Trace | undefined;
  private event: LogRecord | undefined;
  rows = 0;

  /** The element still open at the end of the input (a truncated file), if any. */
  get unclosed(): string | undefined {
    return this.stack.at(-1);
  }

  /** Returns the trace the token completes, if any. */
  push(token: XmlToken): Trace | undefined {
    if (token.kind === 'close') return this.close(token.name);
    const parent = this.stack[this.stack.length - 1];
    if (token.name === 'trace' && parent === 'log') {
      this.trace = { attributes: {}, records: [] };
    } else if (token.name === 'event' && parent === 'trace') {
      this.event = { row: ++this.rows, attributes: {} };
    } else if (VALUE_TAGS.has(token.name)) {
      const { key, value } = token.attributes;
      if (key !== undefined && value !== undefined) {
        if (parent === 'event' && this.event)
          (this.event.attributes as Record<string, string>)[key] = value;
        else if (parent === 'trace' && this.trace) this.trace.attributes[key] = value;
      }
    } else if (token.name === 'event' && parent === 'log') {
      this.rows++;
    }
    if (!token.selfClosing) this.stack.push(token.name);
    if (token.selfClosing) return this.close(token.name, true);
    return undefined;
  }

  private close(name: string, selfClosed = false): Trace | undefined {
    if (!selfClosed) {
      const open = this.stack.pop();
      if (open !== name) {
        throw new Error(`XES: </${name}> closes <${open ?? 'nothing'}> (after event ${this.rows})`);
      }
    }
    const parent = this.stack[this.stack.length - 1];
    if (name === 'event' && parent === 'trace' && this.event && this.trace) {
      this.trace.records.push(this.event);
      this.event = undefined;
    } else if (name === 'trace' && parent === 'log' && this.trace) {
      const done = this.trace;
      this.trace = undefined;
      return done;
    }
    return undefined;
  }
}

/** The traces of an XES text stream, as cases named by the trace attribute `caseKey`. */
export async function* xesCases(
  text: AsyncIterable<string>,
  caseKey: string,
): AsyncGenerator<ReadTicket<LogCase>> {
  const tokenizer = new XmlTokenizer();
  const traces = new TraceReader();
  let index = 0;
  const toCase = (trace: Trace): ReadTicket<LogCase> => {
    index++;
    const caseId = trace.attributes[caseKey] ?? `trace-${index}`;
    const item: LogCase = { caseId, caseField: caseKey, records: trace.records };
    return { key: caseId, rowsRead: traces.rows, item };
  };
  for await (const chunk of text) {
    for (const token of tokenizer.push(chunk)) {
      const trace = traces.push(token);
      if (trace !== undefined) yield toCase(trace);
    }
  }
  tokenizer.end();
  if (traces.unclosed !== undefined) {
    throw new Error(`XES: the file ends inside <${traces.unclosed}> (truncated?)`);
  }
}

/** The chunks of an XES text stream (the source's `read`, minus the file). */
export function readXes(
  text: SourceText,
  options: SourceOptions,
  size?: number,
): AsyncGenerator<SourceChunk> {
  const mapping = xesMapping(options.mapping);
  const reader = instantReader(options.timezone, mapping.events.wallClock);
  const mapper = new EventLogMapper('xes', mapping.events, reader);
  return chunkTickets(xesCases(text, mapping.caseKey), (c) => mapper.mapCase(c), {
    resumeFrom: options.resumeFrom,
    bytesRead: text.bytesRead,
    size,
  });
}

export const xes: ImportSource = {
  name: 'xes',
  summary:
    'an IEEE 1849 XES event log (.xes/.xes.gz); BPIC 2013 incidents by default, --mapping for others',
  needsTimezone: false,
  read: (path, options) => readXes(openText(path), options),
};
