/**
 * What the xes, event-csv, zendesk and glpi sources share: opening a file as UTF-8 text (gunzipped
 * when its name ends in `.gz`), reading instants (with an offset, or a naive wall-clock time in
 * an IANA zone), and cutting the mapped tickets into {@link SourceChunk}s whose checkpoints fall
 * between tickets.
 *
 * Checkpoints are `{ tickets, key }`: the number of tickets (cases) already yielded and the key of
 * the last one. Resuming rereads the file (a gzip stream cannot seek) but maps and yields nothing
 * before that ticket; the key proves the file is the one the checkpoint was taken from.
 */
import { StringDecoder } from 'node:string_decoder';
import { zoneRules } from '../../core/calendar/zone-rules.js';
import { isKnownZone } from '../../core/time/periods.js';
import type { SourceChunk, SourceRejection, WireEvent } from '../source.js';
import { openSourceFile } from '../source-file.js';

/** Events per chunk, at least: a chunk closes at the first ticket boundary past it. */
export const CHUNK_EVENTS = 2000;

/** A source's text, chunk by chunk, and how many of the file's own bytes were read for it. */
export interface SourceText extends AsyncIterable<string> {
  /** Bytes of the file (compressed, for `.gz`) read so far: the progress bar's share done. */
  bytesRead?: () => number;
}

/** The file's text (UTF-8, gunzipped when the name ends in `.gz`, see source-file.ts). */
export function openText(path: string): SourceText {
  const file = openSourceFile(path);
  async function* text(): AsyncGenerator<string> {
    const decoder = new StringDecoder('utf8');
    for await (const chunk of file.bytes as AsyncIterable<Buffer>) yield decoder.write(chunk);
    const rest = decoder.end();
    if (rest !== '') yield rest;
  }
  return { [Symbol.asyncIterator]: text, bytesRead: () => file.bytesRead() };
}

/** Epoch ms → RFC 3339 with `Z`, milliseconds only when not zero. */
export function isoUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

export interface ParsedTimestamp {
  /** Epoch ms of the wall-clock part read as UTC. */
  wall: number;
  /** The offset in minutes, when the text has one. */
  offsetMinutes?: number;
}

/** `yyyy-mm-dd[T ]HH:MM[:SS[.fff]][offset]`; undefined when not such a valid time. */
export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((v) => Number(v ?? 0));
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(wall);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  const offset = m[8];
  if (offset === undefined) return { wall };
  if (offset === 'Z' || offset === 'z') return { wall, offsetMinutes: 0 };
  const digits = offset.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return { wall, offsetMinutes: offset.startsWith('-') ? -minutes : minutes };
}

/** How a source turns its timestamps into instants. */
export interface InstantReader {
  /** RFC 3339 with an offset, or an error message. */
  (text: string): { at: string; ms: number } | { error: string };
}

/**
 * Reads timestamps: with an offset as written, unless `wallClock` (the offset is the exporter's,
 * not the help desk's), and naive ones in `zone`. A naive time without a zone is an error.
 */
export function instantReader(zone: string | undefined, wallClock = false): InstantReader {
  if (zone !== undefined && !isKnownZone(zone)) {
    throw new RangeError(`unknown time zone "${zone}" (an IANA name such as Europe/Rome)`);
  }
  const rules = zone === undefined ? undefined : zoneRules(zone);
  return (text) => {
    const parsed = parseTimestamp(text);
    if (parsed === undefined) return { error: `"${text}" is not a yyyy-mm-dd HH:MM:SS timestamp` };
    let ms: number;
    if (parsed.offsetMinutes !== undefined && !wallClock) {
      ms = parsed.wall - parsed.offsetMinutes * 60_000;
    } else if (rules !== undefined) {
      ms = rules.localToInstant(parsed.wall);
    } else {
      return { error: `"${text}" has no UTC offset: pass the help desk's time zone (--timezone)` };
    }
    return { at: isoUtc(ms), ms };
  };
}

/** One ticket of the file, read but not yet mapped. */
export interface ReadTicket<T> {
  /** The ticket's key in the file (its id): named in checkpoints. */
  key: string;
  /** Records of the file read up to the end of this ticket. */
  rowsRead: number;
  item: T;
}

export interface MappedTicket {
  events: WireEvent[];
  rejections: SourceRejection[];
}

interface Checkpoint {
  tickets: number;
  key: string;
}

function checkpointOf(resumeFrom: unknown): Checkpoint | undefined {
  if (resumeFrom === undefined || resumeFrom === null) return undefined;
  const c = resumeFrom as Partial<Checkpoint>;
  if (typeof c.tickets !== 'number' || !Number.isInteger(c.tickets) || typeof c.key !== 'string') {
    throw new TypeError('the checkpoint is not one this source wrote ({ tickets, key })');
  }
  return { tickets: c.tickets, key: c.key };
}

/**
 * Maps tickets and yields them in chunks of at least `size` events, each ending at a ticket
 * boundary with a checkpoint. With `resumeFrom`, the tickets it covers are read (and, when
 * `replay`, mapped so a stateful mapping sees them) but not yielded.
 */
export async function* chunkTickets<T>(
  tickets: AsyncIterable<ReadTicket<T>>,
  map: (item: T) => MappedTicket,
  options: { resumeFrom?: unknown; size?: number; replay?: boolean; bytesRead?: () => number } = {},
): AsyncGenerator<SourceChunk> {
  const resume = checkpointOf(options.resumeFrom);
  const size = options.size ?? CHUNK_EVENTS;
  let count = 0;
  let chunk: SourceChunk = { events: [], rejections: [], rowsRead: 0 };
  for await (const ticket of tickets) {
    count++;
    if (resume !== undefined && count <= resume.tickets) {
      if (options.replay === true) map(ticket.item);
      if (count === resume.tickets && ticket.key !== resume.key) {
        throw new Error(
          `the checkpoint ends at ${resume.key}, but this file's ticket ${count} is ${ticket.key}: not the same file`,
        );
      }
      continue;
    }
    const mapped = map(ticket.item);
    chunk.events.push(...mapped.events);
    chunk.rejections.push(...mapped.rejections);
    chunk.rowsRead = ticket.rowsRead;
    chunk.checkpoint = { tickets: count, key: ticket.key } satisfies Checkpoint;
    if (options.bytesRead !== undefined) chunk.bytesRead = options.bytesRead();
    if (chunk.events.length >= size) {
      yield chunk;
      chunk = { events: [], rejections: [], rowsRead: ticket.rowsRead };
    }
  }
  if (resume !== undefined && count < resume.tickets) {
    throw new Error(`the checkpoint is past the end of the file (${count} tickets)`);
  }
  if (chunk.events.length > 0 || chunk.rejections.length > 0) yield chunk;
}

/** `Major Impact` → `major_impact`. */
export function label(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '_');
}
