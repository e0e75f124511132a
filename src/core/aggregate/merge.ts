/**
 * Summing and differencing contribution rows. Two rows share a key when kind, bucket and every
 * dimension are equal; measures of rows with one key add up. Output rows are sorted by key so
 * results are deterministic.
 *
 * This runs for every ticket of every ingest batch, so it avoids maps and copies where it can:
 * a ticket's own rows are merged in place after a small sort, and a ticket's diff walks its old
 * and new rows (both sorted by key, as this module writes them) side by side.
 */
import { DIM_NAMES, MEASURE_NAMES, type Contribution, type DimValue } from './types.js';

type Measures = Record<string, number>;
type Dims = Record<string, DimValue | undefined>;

/** JSON text of dimension strings: few distinct values (teams, agents, priorities…) recur. */
const quotedCache = new Map<string, string>();
const QUOTED_CACHE_MAX = 50_000;

function quoted(value: string): string {
  let q = quotedCache.get(value);
  if (q === undefined) {
    q = JSON.stringify(value);
    if (quotedCache.size >= QUOTED_CACHE_MAX) quotedCache.clear();
    quotedCache.set(value, q);
  }
  return q;
}

function dimText(value: DimValue | undefined): string {
  return typeof value === 'string' ? quoted(value) : String(value ?? null);
}

/**
 * The identity of a rollup cell: kind, bucket and the kind's dimensions in a fixed order.
 * Values are written as JSON (strings quoted and escaped), so distinct cells never share a key.
 */
export function contributionKey(row: Contribution): string {
  const dims = row.dims as unknown as Dims;
  const names = DIM_NAMES[row.kind];
  let key = row.kind + ',' + String(row.bucket);
  for (let i = 0; i < names.length; i++) key += ',' + dimText(dims[names[i]!]);
  return key;
}

/** A fresh row with the measures multiplied by `sign` (`0 - v`: never a negative zero). */
function copyRow(row: Contribution, sign: 1 | -1): Contribution {
  const dims: Record<string, DimValue> = {};
  const from = row.dims as unknown as Dims;
  const dimNames = DIM_NAMES[row.kind];
  for (let i = 0; i < dimNames.length; i++) {
    const name = dimNames[i]!;
    dims[name] = from[name] ?? null;
  }
  const measures: Measures = {};
  const add = row.measures as unknown as Measures;
  const names = MEASURE_NAMES[row.kind];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const v = add[name] ?? 0;
    measures[name] = sign === 1 ? v : 0 - v;
  }
  return { kind: row.kind, bucket: row.bucket, dims, measures } as unknown as Contribution;
}

/** `target += sign × row` over the kind's measures. */
function addInto(target: Contribution, row: Contribution, sign: 1 | -1): void {
  const into = target.measures as unknown as Measures;
  const add = row.measures as unknown as Measures;
  const names = MEASURE_NAMES[row.kind];
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const v = add[name] ?? 0;
    into[name] = into[name]! + (sign === 1 ? v : 0 - v);
  }
}

function isZero(row: Contribution): boolean {
  const measures = row.measures as unknown as Measures;
  for (const name in measures) if (measures[name] !== 0) return false;
  return true;
}

/** Rows and their keys, sorted by key (string order), each key once. */
export interface KeyedRows {
  rows: Contribution[];
  keys: string[];
}

const byKey = ([a]: [string, Contribution], [b]: [string, Contribution]) =>
  a < b ? -1 : a > b ? 1 : 0;

/** Sorts `keys` and `rows` together by key, stably (insertion sort: a ticket has few rows). */
function sortPairs(keys: string[], rows: Contribution[]): void {
  const n = keys.length;
  if (n > 32) {
    const pairs = keys.map((k, i): [string, Contribution] => [k, rows[i]!]).sort(byKey);
    for (let i = 0; i < n; i++) {
      keys[i] = pairs[i]![0];
      rows[i] = pairs[i]![1];
    }
    return;
  }
  for (let i = 1; i < n; i++) {
    const key = keys[i]!;
    if (!(key < keys[i - 1]!)) continue;
    const row = rows[i]!;
    let j = i - 1;
    while (j >= 0 && key < keys[j]!) {
      keys[j + 1] = keys[j]!;
      rows[j + 1] = rows[j]!;
      j--;
    }
    keys[j + 1] = key;
    rows[j + 1] = row;
  }
}

/**
 * Merges rows the caller owns and may have mutated: each must already have exactly its kind's
 * dimensions and measures, in order (as the per-metric builders make them). Rows of one key are
 * summed into the first of them, in input order, like {@link mergeContributions}.
 */
export function mergeOwnedRows(rows: Contribution[]): KeyedRows {
  const keys = rows.map(contributionKey);
  sortPairs(keys, rows);
  let out = 0;
  for (let i = 0; i < rows.length; i++) {
    if (out > 0 && keys[i] === keys[out - 1]) {
      addInto(rows[out - 1]!, rows[i]!, 1);
      continue;
    }
    keys[out] = keys[i]!;
    rows[out] = rows[i]!;
    out++;
  }
  keys.length = out;
  rows.length = out;
  return { rows, keys };
}

/** Rows with equal keys summed into one. */
export function mergeContributions(rows: readonly Contribution[]): Contribution[] {
  return mergeOwnedRows(rows.map((r) => copyRow(r, 1))).rows;
}

/** The keys of `rows` if they are strictly increasing (each key once, in order), else null. */
function sortedKeys(rows: readonly Contribution[]): string[] | null {
  const keys: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const key = contributionKey(rows[i]!);
    if (i > 0 && !(keys[i - 1]! < key)) return null;
    keys[i] = key;
  }
  return keys;
}

/** `next − previous` of one cell (`previous` may be absent), or null when all zero. */
function cellDiff(next: Contribution | null, previous: Contribution | null): Contribution | null {
  let row: Contribution;
  if (next === null) row = copyRow(previous!, -1);
  else {
    row = copyRow(next, 1);
    if (previous !== null) addInto(row, previous, -1);
  }
  return isZero(row) ? null : row;
}

/** What {@link walkDiff} found. */
const enum Walk {
  /** A list is not sorted by unique keys: nothing was emitted. */
  Unsorted,
  /** The same keys with the same measures. */
  Same,
  Changed,
}

/**
 * Walks the diff of two key-sorted row lists, calling `emit` for each non-zero cell in key order.
 * Emits nothing when either list is not sorted by unique keys.
 */
function walkDiff(
  previous: readonly Contribution[],
  next: readonly Contribution[],
  nextKeys: readonly string[] | null,
  emit: (key: string, row: Contribution) => void,
): Walk {
  const pk = sortedKeys(previous);
  const nk = nextKeys ?? sortedKeys(next);
  if (pk === null || nk === null) return Walk.Unsorted;
  let same = true;
  let i = 0;
  let j = 0;
  while (i < nk.length || j < pk.length) {
    let row: Contribution | null;
    let key: string;
    if (j >= pk.length || (i < nk.length && nk[i]! < pk[j]!)) {
      key = nk[i]!;
      row = cellDiff(next[i++]!, null);
      same = false;
    } else if (i >= nk.length || pk[j]! < nk[i]!) {
      key = pk[j]!;
      row = cellDiff(null, previous[j++]!);
      same = false;
    } else {
      key = nk[i]!;
      row = cellDiff(next[i++]!, previous[j++]!);
    }
    if (row !== null) {
      same = false;
      emit(key, row);
    }
  }
  return same ? Walk.Same : Walk.Changed;
}

/** Sums rows into a map by key (the general case: any order, repeated keys). */
function accumulate(
  into: Map<string, Contribution>,
  rows: readonly Contribution[],
  sign: 1 | -1,
): void {
  for (const row of rows) {
    const key = contributionKey(row);
    const existing = into.get(key);
    if (existing === undefined) into.set(key, copyRow(row, sign));
    else addInto(existing, row, sign);
  }
}

function sortedRows(map: Map<string, Contribution>, dropZero: boolean): Contribution[] {
  return [...map.entries()]
    .filter(([, row]) => !dropZero || !isZero(row))
    .sort(byKey)
    .map(([, row]) => row);
}

/**
 * The signed rows to add to stored aggregates when a ticket's contributions change from
 * `previous` to `next` (`next − previous`); rows whose measures are all zero are dropped.
 */
export function diffContributions(
  previous: readonly Contribution[],
  next: readonly Contribution[],
): Contribution[] {
  const out: Contribution[] = [];
  if (walkDiff(previous, next, null, (_key, row) => out.push(row)) !== Walk.Unsorted) return out;
  const map = new Map<string, Contribution>();
  accumulate(map, next, 1);
  accumulate(map, previous, -1);
  return sortedRows(map, true);
}

/**
 * The rollup deltas of a batch: `mergeContributions` of every ticket's
 * `diffContributions(previous, next)`, added ticket by ticket in call order, without building the
 * per-ticket lists. Like that merge, a cell that some ticket changed is kept even when the
 * tickets' changes cancel out (its upsert then adds zeros).
 */
export class RollupDeltas {
  private readonly cells = new Map<string, Contribution>();
  /** Cells holding a caller's row (not a copy): copied before anything is summed into them. */
  private readonly borrowed = new Set<string>();

  private add(key: string, row: Contribution): void {
    const existing = this.cells.get(key);
    // `row` is a fresh copy made by the diff: it can be kept and summed into.
    if (existing === undefined) this.cells.set(key, row);
    else if (this.borrowed.delete(key)) {
      const own = copyRow(existing, 1);
      addInto(own, row, 1);
      this.cells.set(key, own);
    } else addInto(existing, row, 1);
  }

  /**
   * Adds `next − previous` of one ticket; `next` as {@link mergeOwnedRows} returns it. Returns
   * false when `previous` is already `next`: the same cells (both sorted by key, each key once)
   * with the same measures. `next`'s rows are never modified.
   */
  addTicket(previous: readonly Contribution[], next: KeyedRows): boolean {
    if (previous.length === 0) {
      // A ticket contributing for the first time (most of a live stream): its rows are the
      // delta. They are borrowed, not copied, until another row is summed into their cell.
      for (let i = 0; i < next.rows.length; i++) {
        const row = next.rows[i]!;
        if (isZero(row)) continue;
        const key = next.keys[i]!;
        const existing = this.cells.get(key);
        if (existing === undefined) {
          this.cells.set(key, row);
          this.borrowed.add(key);
        } else this.add(key, copyRow(row, 1));
      }
      return next.rows.length > 0;
    }
    const walk = walkDiff(previous, next.rows, next.keys, (key, row) => this.add(key, row));
    if (walk !== Walk.Unsorted) return walk === Walk.Changed;
    for (const row of diffContributions(previous, next.rows)) this.add(contributionKey(row), row);
    return true;
  }

  /** The merged deltas, sorted by key. */
  rows(): Contribution[] {
    const keys = [...this.cells.keys()].sort();
    return keys.map((k) => this.cells.get(k)!);
  }

  /** The merged deltas in no particular order (the rollup upsert sorts them itself). */
  unsortedRows(): Contribution[] {
    return [...this.cells.values()];
  }
}
