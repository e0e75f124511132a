/**
 * Where the backlog index looks for the segments holding an instant. Level `l` cuts time into
 * UTC-aligned spans of 2^l days; a closed segment goes to the lowest level at which it touches at
 * most two adjacent spans, and is listed in both. An instant T is then held only by segments
 * listed in T's span at some level, so a query reads one list per level in use (about ten for two
 * years of data) plus the open-ended list, and a segment costs at most two entries whatever its
 * length (a ticket open for two years sits in two 1,024-day spans, not in 730 day lists). A list
 * at level l holds segments longer than about 2^(l−1) days overlapping a 2^l-day span, so a good
 * share of what a query reads holds its instant. Open-ended segments are listed by the day they
 * start; a query reads the lists of its day and before.
 *
 * Each entry's position is kept on its segment (`pos0`, `pos1`), so removing a segment is a swap
 * with its list's last entry: no tombstones, no dead entries read, and its slot can be reused at
 * once. Segments too long for the top level are listed with the open-ended ones. An entry carries
 * a copy of what a count reads (span, creation, status), so a scan does not wander over the
 * store: after hours of replaces and a moving horizon, a list's slots are spread all over it
 * (bench/cube/backlog-index.ts, "after the churn").
 */
import type { SegmentStore } from './backlog-index-store.js';

export const DAY_MS = 86_400_000;
/** The highest level: spans of 2^24 days (46,000 years); longer segments join the open list. */
const MAX_LEVEL = 24;
/** `level` of a segment in the open list. */
const OPEN = 255;
const SPAN = Array.from({ length: MAX_LEVEL + 1 }, (_, l) => 2 ** l);

/**
 * A growable list of slot ids, with a copy of what a count reads of each slot — its span,
 * creation and status, which never change while it is listed — so that a scan reads the list's
 * own memory in order instead of the store's columns at scattered slots (slots freed by
 * `replace` and the horizon are reused anywhere, so a list's slots do not stay together).
 */
export class IdList {
  ids = new Int32Array(8);
  from = new Float64Array(8);
  to = new Float64Array(8);
  created = new Float64Array(8);
  status = new Int32Array(8);
  length = 0;

  /** Appends slot `s` of `store`; returns its position. */
  push(s: number, store: SegmentStore): number {
    if (this.length === this.ids.length) this.resize(this.ids.length * 2);
    const p = this.length++;
    this.ids[p] = s;
    this.from[p] = store.from[s]!;
    this.to[p] = store.to[s]!;
    this.created[p] = store.created[s]!;
    this.status[p] = store.status.array[s]!;
    return p;
  }

  /** Removes the entry at `p` by moving the last one there; returns the moved id or -1. */
  removeAt(p: number): number {
    const last = --this.length;
    let moved = -1;
    if (p !== last) {
      moved = this.ids[last]!;
      this.ids[p] = moved;
      this.from[p] = this.from[last]!;
      this.to[p] = this.to[last]!;
      this.created[p] = this.created[last]!;
      this.status[p] = this.status[last]!;
    }
    if (this.ids.length > 64 && this.length < this.ids.length >> 2) {
      this.resize(this.ids.length >> 1);
    }
    return moved;
  }

  private resize(capacity: number): void {
    const n = Math.min(this.length, capacity);
    const grown = <T extends Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (k: number) => T)(capacity);
      b.set(a.subarray(0, n));
      return b;
    };
    this.ids = grown(this.ids);
    this.from = grown(this.from);
    this.to = grown(this.to);
    this.created = grown(this.created);
    this.status = grown(this.status);
  }

  /** Bytes of its arrays. */
  bytes(): number {
    return this.ids.length * 32;
  }
}

/** The day of an open list: that of `from` (a NaN `from`, which holds no instant, last). */
function openDay(from: number): number {
  return Number.isNaN(from) ? Infinity : Math.floor(from / DAY_MS);
}

/** The index of the first of the ascending `days` at or after `day`. */
function lowerBound(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Tests a slot against the query's filters (compiled in backlog-index-query.ts). */
export interface SlotFilter {
  column: Uint16Array | Uint32Array;
  accept: Uint8Array;
}

/** The slots a scan found, with the creation and status of each. */
export class Hits {
  slots = new Int32Array(1024);
  created = new Float64Array(1024);
  status = new Int32Array(1024);
  length = 0;

  /** Makes room for `extra` more slots. */
  reserve(extra: number): void {
    if (this.length + extra <= this.slots.length) return;
    const size = Math.max(this.length + extra, this.slots.length * 2);
    const slots = new Int32Array(size);
    slots.set(this.slots.subarray(0, this.length));
    const created = new Float64Array(size);
    created.set(this.created.subarray(0, this.length));
    const status = new Int32Array(size);
    status.set(this.status.subarray(0, this.length));
    this.slots = slots;
    this.created = created;
    this.status = status;
  }

  bytes(): number {
    return this.slots.length * 16;
  }
}

function passes(slot: number, filters: readonly SlotFilter[]): boolean {
  for (const f of filters) if (f.accept[f.column[slot]!] === 0) return false;
  return true;
}

function scan(list: IdList, at: number, filters: readonly SlotFilter[], hits: Hits): void {
  const { ids, from, to, created, status, length } = list;
  hits.reserve(length);
  const out = hits.slots;
  const outCreated = hits.created;
  const outStatus = hits.status;
  let n = hits.length;
  if (filters.length === 0) {
    // Without a branch: whether a segment holds `at` is a coin toss the CPU cannot predict.
    for (let i = 0; i < length; i++) {
      out[n] = ids[i]!;
      outCreated[n] = created[i]!;
      outStatus[n] = status[i]!;
      n += +(from[i]! <= at) & +(at < to[i]!);
    }
  } else {
    for (let i = 0; i < length; i++) {
      const s = ids[i]!;
      if (from[i]! <= at && at < to[i]! && passes(s, filters)) {
        out[n] = s;
        outCreated[n] = created[i]!;
        outStatus[n++] = status[i]!;
      }
    }
  }
  hits.length = n;
}

export class Placement {
  private readonly levels: Array<Map<number, IdList>> = SPAN.map(() => new Map<number, IdList>());
  /** Open-ended (and overlong) segments by the day of `from`, days ascending. */
  private readonly openDays: number[] = [];
  private readonly openLists: IdList[] = [];
  /** The highest level holding a list. */
  private top = -1;

  constructor(private readonly store: SegmentStore) {}

  insert(s: number): void {
    const { store } = this;
    const from = store.from[s]!;
    const to = store.to[s]!;
    store.pos1[s] = -1;
    if (!Number.isFinite(from) || !Number.isFinite(to)) return this.insertOpen(s);
    const d0 = Math.floor(from / DAY_MS);
    // The day of `to` itself, even at midnight: `floor` is monotonic, so every instant before
    // `to` falls on a day up to it, whatever the rounding of a fractional instant.
    const d1 = Math.max(d0, Math.floor(to / DAY_MS));
    let l = 0;
    while (l <= MAX_LEVEL && Math.floor(d1 / SPAN[l]!) - Math.floor(d0 / SPAN[l]!) > 1) l++;
    if (l > MAX_LEVEL) return this.insertOpen(s);
    const k0 = Math.floor(d0 / SPAN[l]!);
    store.level[s] = l;
    store.pos0[s] = this.list(l, k0).push(s, store);
    if (Math.floor(d1 / SPAN[l]!) !== k0) store.pos1[s] = this.list(l, k0 + 1).push(s, store);
  }

  private insertOpen(s: number): void {
    const day = openDay(this.store.from[s]!);
    const i = lowerBound(this.openDays, day);
    if (this.openDays[i] !== day) {
      this.openDays.splice(i, 0, day);
      this.openLists.splice(i, 0, new IdList());
    }
    this.store.level[s] = OPEN;
    this.store.pos0[s] = this.openLists[i]!.push(s, this.store);
  }

  private removeOpen(s: number): void {
    const { store } = this;
    const i = lowerBound(this.openDays, openDay(store.from[s]!));
    const list = this.openLists[i]!;
    const moved = list.removeAt(store.pos0[s]!);
    if (moved >= 0) store.pos0[moved] = store.pos0[s]!;
    if (list.length === 0) {
      this.openDays.splice(i, 1);
      this.openLists.splice(i, 1);
    }
  }

  private list(l: number, key: number): IdList {
    const lists = this.levels[l]!;
    let list = lists.get(key);
    if (list === undefined) {
      list = new IdList();
      lists.set(key, list);
      if (l > this.top) this.top = l;
    }
    return list;
  }

  /** Takes slot `s` out of its lists (its `from` still as inserted). */
  remove(s: number): void {
    const { store } = this;
    const l = store.level[s]!;
    if (l === OPEN) return this.removeOpen(s);
    const k0 = Math.floor(Math.floor(store.from[s]! / DAY_MS) / SPAN[l]!);
    this.removeFrom(l, k0, store.pos0[s]!);
    if (store.pos1[s]! >= 0) this.removeFrom(l, k0 + 1, store.pos1[s]!);
  }

  private removeFrom(l: number, key: number, p: number): void {
    const { store } = this;
    const lists = this.levels[l]!;
    const list = lists.get(key)!;
    const moved = list.removeAt(p);
    if (moved >= 0) {
      // The moved segment is listed at `key` as its first span or as its second.
      const first = Math.floor(Math.floor(store.from[moved]! / DAY_MS) / SPAN[l]!);
      if (first === key) store.pos0[moved] = p;
      else store.pos1[moved] = p;
    }
    if (list.length === 0) lists.delete(key);
  }

  /** Appends to `hits` the slots holding instant `at` that pass `filters`. */
  collect(at: number, filters: readonly SlotFilter[], hits: Hits): void {
    const day = Math.floor(at / DAY_MS);
    for (let l = 0; l <= this.top; l++) {
      const list = this.levels[l]!.get(Math.floor(day / SPAN[l]!));
      if (list !== undefined) scan(list, at, filters, hits);
    }
    // Only open-ended segments starting on T's day or before can hold T.
    for (let i = 0; i < this.openDays.length && this.openDays[i]! <= day; i++) {
      scan(this.openLists[i]!, at, filters, hits);
    }
  }

  /** The lists, lowest level first, each level's in time order, the open lists last. */
  private ordered(): IdList[] {
    const lists: IdList[] = [];
    for (const level of this.levels) {
      const keys = [...level.keys()].sort((a, b) => a - b);
      for (const key of keys) lists.push(level.get(key)!);
    }
    return lists.concat(this.openLists);
  }

  /**
   * Renumbers the store's slots so that each list's segments are adjacent, in list order (a
   * segment listed twice follows its first list): a query then reads nearby memory instead of
   * one cache line per segment (open-ended segments of every age are read by every query).
   */
  relayout(): void {
    const { store } = this;
    const order = new Int32Array(store.live);
    const seen = new Uint8Array(store.high);
    let n = 0;
    const lists = this.ordered();
    for (const list of lists) {
      for (let j = 0; j < list.length; j++) {
        const s = list.ids[j]!;
        if (seen[s] === 0) {
          seen[s] = 1;
          order[n++] = s;
        }
      }
    }
    if (n !== order.length) throw new Error('backlog index: a live segment is in no list');
    const newId = store.relayout(order);
    for (const list of lists) {
      for (let j = 0; j < list.length; j++) list.ids[j] = newId[list.ids[j]!]!;
    }
  }

  /** Bytes of the lists' typed arrays. */
  bytes(): number {
    let sum = 0;
    for (const list of this.openLists) sum += list.bytes();
    for (const lists of this.levels) for (const list of lists.values()) sum += list.bytes();
    return sum;
  }
}
