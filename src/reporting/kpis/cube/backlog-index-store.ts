/**
 * The columns of the backlog index (backlog-index.ts): one slot per live backlog segment, its
 * instants as float64 epoch milliseconds and its text values dictionary-encoded. Unlike the
 * rollup cube's Dictionary, '' and null are two values here: `backlogAt` returns a segment's
 * columns as stored, '' included, and only a filter treats null as ''. A ticket's segments are
 * chained through `next` from `head[ticket]`; freed slots are chained the same way from
 * `freeHead` and reused, so replacing segments never grows the columns for good.
 */

import type { SegmentRecord } from '../../../core/aggregate/index.js';
import type { SegmentFace } from './backlog-results.js';

/** The attribute columns of a backlog segment, in the order they are stored. */
export const DIM_COLUMNS = ['team', 'agent', 'priority', 'channel', 'category', 'policy'] as const;
export type DimColumn = (typeof DIM_COLUMNS)[number];

/** A backlog segment as the index takes it (instants in epoch ms; `to` null = open-ended). */
export type IndexedSegment = SegmentRecord;

/** The values of one column: id 0 is null, every text ('' too) gets its own id. */
export class ValueDictionary {
  private readonly ids = new Map<string, number>();
  readonly values: Array<string | null> = [null];
  private lastText: string | null = null;
  private lastId = 0;

  get size(): number {
    return this.values.length;
  }

  idOf(value: string | null): number {
    if (value === null) return 0;
    if (value === this.lastText) return this.lastId;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    this.lastText = value;
    this.lastId = id;
    return id;
  }

  /** The id of a text, without adding it. */
  find(text: string): number | undefined {
    return this.ids.get(text);
  }
}

/** A column of dictionary ids: 16 bits wide until an id needs 32. */
export class CodeColumn {
  array: Uint16Array | Uint32Array;

  constructor(capacity: number) {
    this.array = new Uint16Array(capacity);
  }

  set(slot: number, id: number): void {
    if (id > 0xffff && this.array instanceof Uint16Array) {
      const wide = new Uint32Array(this.array.length);
      wide.set(this.array);
      this.array = wide;
    }
    this.array[slot] = id;
  }

  /** The ids of `order`'s slots, in that order, in a column of `capacity` slots. */
  gather(order: Int32Array, capacity: number): void {
    this.array = gathered(this.array, order, capacity);
  }

  resize(capacity: number): void {
    const next =
      this.array instanceof Uint16Array ? new Uint16Array(capacity) : new Uint32Array(capacity);
    next.set(this.array.subarray(0, Math.min(capacity, this.array.length)));
    this.array = next;
  }
}

function resized<T extends Float64Array | Int32Array | Uint8Array>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array.subarray(0, Math.min(capacity, array.length)));
  return next;
}

function gathered<T extends Float64Array | Int32Array | Uint8Array | Uint16Array | Uint32Array>(
  array: T,
  order: Int32Array,
  capacity: number,
): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  for (let i = 0; i < order.length; i++) next[i] = array[order[i]!]!;
  return next;
}

const MIN_CAPACITY = 1024;

export class SegmentStore {
  /** Slots allocated in the columns. */
  capacity = 0;
  /** Slots ever handed out (live or free): every slot id is below it. */
  high = 0;
  /** Live segments. */
  live = 0;
  from = new Float64Array(0);
  /** The end, +Infinity when open-ended. */
  to = new Float64Array(0);
  created = new Float64Array(0);
  ticket = new Int32Array(0);
  /** The ticket's next segment, or the next free slot; -1 ends a chain. */
  next = new Int32Array(0);
  /** Where the placement (backlog-index-placement.ts) put the slot. */
  level = new Uint8Array(0);
  pos0 = new Int32Array(0);
  pos1 = new Int32Array(0);
  readonly status = new CodeColumn(0);
  readonly calendar = new CodeColumn(0);
  readonly dims = DIM_COLUMNS.map(() => new CodeColumn(0));
  readonly statusDict = new ValueDictionary();
  readonly calendarDict = new ValueDictionary();
  readonly dimDicts = DIM_COLUMNS.map(() => new ValueDictionary());
  /** Ticket ids by ticket number, and back. */
  readonly ticketIds: string[] = [];
  private readonly ticketNumbers = new Map<string, number>();
  /** Ticket numbers given back (`release`), reused before new ones. */
  private readonly freeTickets: number[] = [];
  /** A ticket's first segment, -1 for none. */
  head = new Int32Array(0);
  private freeHead = -1;

  /** The ticket's number, added (with no segment) when new. */
  ticketOf(ticketId: string): number {
    let t = this.ticketNumbers.get(ticketId);
    if (t === undefined) {
      t = this.freeTickets.pop();
      if (t !== undefined) {
        this.ticketIds[t] = ticketId;
        this.ticketNumbers.set(ticketId, t);
        return t;
      }
      t = this.ticketIds.length;
      this.ticketIds.push(ticketId);
      this.ticketNumbers.set(ticketId, t);
      if (t >= this.head.length) {
        const head = new Int32Array(Math.max(MIN_CAPACITY, Math.ceil(this.head.length * 1.5)));
        head.set(this.head);
        head.fill(-1, this.head.length);
        this.head = head;
      }
    }
    return t;
  }

  /** The ticket's number, or undefined when it never had a segment. */
  findTicket(ticketId: string): number | undefined {
    return this.ticketNumbers.get(ticketId);
  }

  /** Stores `segment` as a segment of ticket `t`; returns its slot. */
  add(t: number, segment: IndexedSegment): number {
    const s = this.allocate();
    this.from[s] = segment.from;
    this.to[s] = segment.to ?? Infinity;
    this.created[s] = segment.createdAt;
    this.ticket[s] = t;
    this.status.set(s, this.statusDict.idOf(segment.status));
    this.calendar.set(s, this.calendarDict.idOf(segment.calendarId));
    for (let d = 0; d < DIM_COLUMNS.length; d++) {
      this.dims[d]!.set(s, this.dimDicts[d]!.idOf(segment[DIM_COLUMNS[d]!]));
    }
    this.next[s] = this.head[t]!;
    this.head[t] = s;
    this.live++;
    return s;
  }

  /** Unchains every segment of ticket `t`, handing each slot to `drop` before it is freed. */
  clear(t: number, drop: (slot: number) => void): void {
    let s = this.head[t]!;
    this.head[t] = -1;
    while (s >= 0) {
      const next = this.next[s]!;
      this.free(s, drop);
      s = next;
    }
  }

  /**
   * What a backlog answer reads of a segment besides its span — creation, status, calendar and
   * attributes — as dictionary ids (the values are added to the dictionaries when new).
   */
  faceOf(segment: IndexedSegment): number[] {
    const face = [
      segment.createdAt,
      this.statusDict.idOf(segment.status),
      this.calendarDict.idOf(segment.calendarId),
    ];
    for (let d = 0; d < DIM_COLUMNS.length; d++) {
      face.push(this.dimDicts[d]!.idOf(segment[DIM_COLUMNS[d]!]));
    }
    return face;
  }

  /** Ticket `t`'s segments as backlog answers read them (backlog-results.ts). */
  facesOf(t: number): SegmentFace[] {
    const faces: SegmentFace[] = [];
    for (let s = this.head[t]!; s >= 0; s = this.next[s]!) {
      const face = [this.created[s]!, this.status.array[s]!, this.calendar.array[s]!];
      for (const column of this.dims) face.push(column.array[s]!);
      faces.push({ from: this.from[s]!, to: this.to[s]!, face });
    }
    return faces;
  }

  /** Gives ticket `t`'s number back (it holds no segment): its id is forgotten. */
  release(t: number): void {
    this.ticketNumbers.delete(this.ticketIds[t]!);
    this.ticketIds[t] = '';
    this.freeTickets.push(t);
  }

  /**
   * Frees every segment that ended at or before `horizon` (handed to `drop` first), and the
   * numbers of the tickets left with none; returns the segments freed.
   */
  prune(horizon: number, drop: (slot: number) => void): number {
    let freed = 0;
    for (let t = 0; t < this.ticketIds.length; t++) {
      let s = this.head[t]!;
      if (s < 0) continue;
      let prev = -1;
      while (s >= 0) {
        const next = this.next[s]!;
        if (this.to[s]! <= horizon) {
          if (prev < 0) this.head[t] = next;
          else this.next[prev] = next;
          this.free(s, drop);
          freed++;
        } else prev = s;
        s = next;
      }
      if (this.head[t]! < 0) this.release(t);
    }
    return freed;
  }

  private free(s: number, drop: (slot: number) => void): void {
    drop(s);
    this.from[s] = NaN;
    this.next[s] = this.freeHead;
    this.freeHead = s;
    this.live--;
  }

  private allocate(): number {
    if (this.freeHead >= 0) {
      const s = this.freeHead;
      this.freeHead = this.next[s]!;
      return s;
    }
    if (this.high === this.capacity) {
      this.resize(Math.max(MIN_CAPACITY, Math.ceil(this.capacity * 1.5)));
    }
    return this.high++;
  }

  /**
   * Moves the live slots to `0 … live − 1` in the order of `order` (every live slot once), so
   * that segments read together sit together in memory; returns each old slot's new id (-1 for
   * a free one). Columns are rebuilt one at a time: the peak is one column more.
   */
  relayout(order: Int32Array): Int32Array {
    const n = order.length;
    const newId = new Int32Array(this.high).fill(-1);
    for (let i = 0; i < n; i++) newId[order[i]!] = i;
    const capacity = n + Math.max(MIN_CAPACITY, n >> 5);
    this.from = gathered(this.from, order, capacity);
    this.to = gathered(this.to, order, capacity);
    this.created = gathered(this.created, order, capacity);
    this.ticket = gathered(this.ticket, order, capacity);
    this.level = gathered(this.level, order, capacity);
    this.pos0 = gathered(this.pos0, order, capacity);
    this.pos1 = gathered(this.pos1, order, capacity);
    for (const column of [this.status, this.calendar, ...this.dims]) column.gather(order, capacity);
    const next = gathered(this.next, order, capacity);
    for (let i = 0; i < n; i++) if (next[i]! >= 0) next[i] = newId[next[i]!]!;
    this.next = next;
    const head = this.head;
    for (let t = 0; t < this.ticketIds.length; t++) if (head[t]! >= 0) head[t] = newId[head[t]!]!;
    this.capacity = capacity;
    this.high = n;
    this.freeHead = -1;
    return newId;
  }

  private resize(capacity: number): void {
    this.from = resized(this.from, capacity);
    this.to = resized(this.to, capacity);
    this.created = resized(this.created, capacity);
    this.ticket = resized(this.ticket, capacity);
    this.next = resized(this.next, capacity);
    this.level = resized(this.level, capacity);
    this.pos0 = resized(this.pos0, capacity);
    this.pos1 = resized(this.pos1, capacity);
    this.status.resize(capacity);
    this.calendar.resize(capacity);
    for (const column of this.dims) column.resize(capacity);
    this.capacity = capacity;
  }

  /** Bytes of the typed arrays. */
  bytes(): number {
    const arrays = [
      this.from,
      this.to,
      this.created,
      this.ticket,
      this.next,
      this.level,
      this.pos0,
      this.pos1,
      this.head,
      this.status.array,
      this.calendar.array,
      ...this.dims.map((c) => c.array),
    ];
    return arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }
}
