/**
 * The answers of the backlog index (backlog-index.ts) from the slots a scan found: the rows
 * `backlogAt` returns, or the groups `backlogGroups` builds from them with calendar ages —
 * counted in typed arrays per group, without an object per ticket. Ages are summed in integer
 * milliseconds and divided by 1000 once per group: exact (and independent of the order tickets
 * are met, which the SQL leaves open), where `backlogGroups` adds rounded seconds one by one, so
 * the two `ageSum`s can differ in the last bits.
 */
import type { BacklogTicket, ColumnFilter } from '../../../storage/kpi.repository.js';
import { bucketIndex, type AgeBucket, type BacklogGroup } from '../backlog.js';
import type { Hits, SlotFilter } from './backlog-index-placement.js';
import { DIM_COLUMNS, type SegmentStore } from './backlog-index-store.js';

/** The index of a group-by or filter column in DIM_COLUMNS. */
export function columnIndex(name: string): number {
  const d = (DIM_COLUMNS as readonly string[]).indexOf(name);
  if (d < 0) throw new Error(`backlog index: unknown column "${name}"`);
  return d;
}

/** A filter passes a value in `values`, null passing as ''. */
export function compileFilters(
  store: SegmentStore,
  filters: readonly ColumnFilter[],
): SlotFilter[] {
  return filters.map((f) => {
    const d = columnIndex(f.column);
    const dict = store.dimDicts[d]!;
    const accept = new Uint8Array(dict.size);
    for (const value of f.values) {
      if (value === '') accept[0] = 1;
      const id = dict.find(value);
      if (id !== undefined) accept[id] = 1;
    }
    return { column: store.dims[d]!.array, accept };
  });
}

/** 1 for the status ids counted as actionable (`new`, `open`). */
export function actionableMask(store: SegmentStore): Uint8Array {
  const mask = new Uint8Array(store.statusDict.size);
  store.statusDict.values.forEach((v, id) => {
    if (v === 'new' || v === 'open') mask[id] = 1;
  });
  return mask;
}

/** Appends the rows of the slots in `hits`, found at `instants[at]`. */
export function pushTickets(
  store: SegmentStore,
  hits: Hits,
  at: number,
  groupBy: readonly string[],
  out: BacklogTicket[],
): void {
  const columns = groupBy.map(columnIndex);
  for (let i = 0; i < hits.length; i++) {
    const s = hits.slots[i]!;
    const keys: Record<string, string | null> = {};
    groupBy.forEach((g, j) => {
      const d = columns[j]!;
      keys[g] = store.dimDicts[d]!.values[store.dims[d]!.array[s]!] ?? null;
    });
    out.push({
      at,
      ticketId: store.ticketIds[store.ticket[s]!]!,
      status: store.statusDict.values[store.status.array[s]!]!,
      createdAt: store.created[s]!,
      calendarId: store.calendarDict.values[store.calendar.array[s]!]!,
      keys,
    });
  }
}

/** Group keys of at most this many combinations are looked up in a flat table. */
const DENSE_MAX = 1 << 18;
/** How a group's key is looked up: a flat table, a Map of numbers, a Map of texts. */
const Mode = { Dense: 0, Number: 1, Text: 2 } as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/** Per-group counts of one instant: the slots found are folded into them group by group. */
export class GroupTable {
  /** Groups found. */
  length = 0;
  total = new Int32Array(16);
  actionable = new Int32Array(16);
  ageMs = new Float64Array(16);
  /** Per group, its `nb` bucket counts. */
  counts = new Int32Array(16);
  /** A slot of each group, to read its keys from. */
  rep = new Int32Array(16);
  private nb = 0;
  private mode: Mode = Mode.Dense;
  private columns: Array<Uint16Array | Uint32Array> = [];
  private sizes: number[] = [];
  /** Dense mode: group + 1 by key (0: none). */
  private dense = new Int32Array(0);
  private readonly map = new Map<number | string, number>();
  private keys = new Float64Array(16);
  /** The group of each slot of the last `assign`. */
  private of = new Int32Array(1024);

  /** Empties the table for a question grouped by `columns` (value counts `sizes`). */
  reset(columns: Array<Uint16Array | Uint32Array>, sizes: readonly number[], nb: number): void {
    if (this.mode === Mode.Dense)
      for (let g = 0; g < this.length; g++) this.dense[this.keys[g]!] = 0;
    this.map.clear();
    this.length = 0;
    this.columns = columns;
    this.sizes = [...sizes];
    this.nb = nb;
    const combinations = sizes.reduce((p, n) => p * n, 1);
    this.mode =
      combinations <= DENSE_MAX
        ? Mode.Dense
        : combinations <= Number.MAX_SAFE_INTEGER
          ? Mode.Number
          : Mode.Text;
    if (this.mode === Mode.Dense && this.dense.length < combinations) {
      this.dense = new Int32Array(Math.max(combinations, this.dense.length * 2));
    }
    if (this.counts.length < this.total.length * nb) {
      this.counts = new Int32Array(this.total.length * nb);
    }
  }

  /** The group of each of the first `n` slots, groups added as met (valid until the next call). */
  assign(slots: Int32Array, n: number): Int32Array {
    if (this.of.length < n) this.of = new Int32Array(Math.max(n, this.of.length * 2));
    const of = this.of;
    if (this.columns.length === 0) {
      if (n > 0) this.add(slots[0]!, 0, 0);
      of.fill(0, 0, n);
    } else if (this.columns.length === 1 && this.mode === Mode.Dense) {
      const column = this.columns[0]!;
      for (let i = 0; i < n; i++) {
        const key = column[slots[i]!]!;
        const g = this.dense[key]! - 1;
        of[i] = g >= 0 ? g : this.addDense(slots[i]!, key);
      }
    } else {
      for (let i = 0; i < n; i++) of[i] = this.groupOf(slots[i]!);
    }
    return of;
  }

  private addDense(s: number, key: number): number {
    this.dense[key] = this.length + 1;
    return this.add(s, key, key);
  }

  /** The group of slot `s`, added when new. */
  private groupOf(s: number): number {
    const { columns, sizes } = this;
    if (this.mode === Mode.Text) {
      const text = columns.map((c) => c[s]).join(',');
      return this.map.get(text) ?? this.add(s, 0, text);
    }
    let key = 0;
    for (let j = 0; j < columns.length; j++) key = key * sizes[j]! + columns[j]![s]!;
    if (this.mode === Mode.Dense) {
      const g = this.dense[key]!;
      return g > 0 ? g - 1 : this.addDense(s, key);
    }
    return this.map.get(key) ?? this.add(s, key, key);
  }

  private add(s: number, key: number, mapKey: number | string): number {
    const g = this.length++;
    if (g === this.total.length) this.grow();
    if (this.mode !== Mode.Dense) this.map.set(mapKey, g);
    this.keys[g] = key;
    this.rep[g] = s;
    this.total[g] = 0;
    this.actionable[g] = 0;
    this.ageMs[g] = 0;
    this.counts.fill(0, g * this.nb, (g + 1) * this.nb);
    return g;
  }

  private grow(): void {
    const n = this.total.length * 2;
    const grown = <T extends Int32Array | Float64Array>(a: T, size: number): T => {
      const b = new (a.constructor as new (k: number) => T)(size);
      b.set(a);
      return b;
    };
    this.total = grown(this.total, n);
    this.actionable = grown(this.actionable, n);
    this.ageMs = grown(this.ageMs, n);
    this.rep = grown(this.rep, n);
    this.keys = grown(this.keys, n);
    // `counts` may be longer than needed, sized for more buckets by an earlier question.
    if (this.counts.length < n * this.nb) {
      const counts = new Int32Array(n * this.nb);
      counts.set(this.counts);
      this.counts = counts;
    }
  }

  bytes(): number {
    const arrays = [this.total, this.actionable, this.ageMs, this.counts, this.rep, this.dense];
    return [...arrays, this.keys, this.of].map((a) => a.byteLength).reduce((x, y) => x + y, 0);
  }
}

/** Folds the slots in `hits`, found at instant `at`, into `table` (reset by the caller). */
export function countGroups(
  hits: Hits,
  at: number,
  bounds: readonly number[],
  actionable: Uint8Array,
  table: GroupTable,
): void {
  const n = hits.length;
  const slots = hits.slots;
  const groups = table.assign(slots, n);
  const nb = bounds.length + 1;
  const { total, ageMs, counts } = table;
  const act = table.actionable;
  const { created, status } = hits;
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    const ms = at - created[i]!;
    total[g]!++;
    act[g]! += actionable[status[i]!]!;
    ageMs[g]! += ms;
    counts[g * nb + bucketIndex(bounds, ms / 1000)]!++;
  }
}

const text = (v: string | null) => (v === null ? '\uffff' : v);

/** The groups in `table`, in `backlogGroups`' order (its one empty group when nothing is). */
export function groupsOf(
  store: SegmentStore,
  table: GroupTable,
  groupBy: readonly string[],
  template: readonly AgeBucket[],
): BacklogGroup[] {
  if (table.length === 0 && groupBy.length === 0) {
    return [
      { keys: {}, total: 0, actionable: 0, ageSum: 0, buckets: template.map((b) => ({ ...b })) },
    ];
  }
  const columns = groupBy.map(columnIndex);
  const nb = template.length;
  const groups: BacklogGroup[] = [];
  for (let g = 0; g < table.length; g++) {
    const s = table.rep[g]!;
    const keys: Record<string, string | null> = {};
    groupBy.forEach((name, j) => {
      const d = columns[j]!;
      keys[name] = store.dimDicts[d]!.values[store.dims[d]!.array[s]!] ?? null;
    });
    groups.push({
      keys,
      total: table.total[g]!,
      actionable: table.actionable[g]!,
      ageSum: table.ageMs[g]! / 1000,
      buckets: template.map((b, i) => ({ ...b, count: table.counts[g * nb + i]! })),
    });
  }
  return groups.sort((a, b) => {
    for (const name of groupBy) {
      const x = text(a.keys[name] ?? null);
      const y = text(b.keys[name] ?? null);
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}
