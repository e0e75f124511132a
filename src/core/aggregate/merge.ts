/**
 * Summing and differencing contribution rows. Two rows share a key when kind, bucket and every
 * dimension are equal; measures of rows with one key add up. Output rows are sorted by key so
 * results are deterministic.
 */
import { DIM_NAMES, MEASURE_NAMES, type Contribution, type DimValue } from './types.js';

type Measures = Record<string, number>;

/**
 * The identity of a rollup cell: kind, bucket and the kind's dimensions in a fixed order.
 * Values are written as JSON (strings quoted and escaped), so distinct cells never share a key.
 */
export function contributionKey(row: Contribution): string {
  const dims = row.dims as unknown as Record<string, DimValue>;
  let key = row.kind + ',' + String(row.bucket);
  for (const name of DIM_NAMES[row.kind]) {
    const value = dims[name] ?? null;
    key += ',' + (typeof value === 'string' ? JSON.stringify(value) : String(value));
  }
  return key;
}

/** A fresh row with the measures multiplied by `sign` (`0 - v`: never a negative zero). */
function copyRow(row: Contribution, sign: 1 | -1): Contribution {
  const dims: Record<string, DimValue> = {};
  const from = row.dims as unknown as Record<string, DimValue>;
  for (const name of DIM_NAMES[row.kind]) dims[name] = from[name] ?? null;
  const measures: Measures = {};
  const add = row.measures as unknown as Measures;
  for (const name of MEASURE_NAMES[row.kind]) {
    const v = add[name] ?? 0;
    measures[name] = sign === 1 ? v : 0 - v;
  }
  return { kind: row.kind, bucket: row.bucket, dims, measures } as unknown as Contribution;
}

function accumulate(
  into: Map<string, Contribution>,
  rows: readonly Contribution[],
  sign: 1 | -1,
): void {
  for (const row of rows) {
    const key = contributionKey(row);
    const existing = into.get(key);
    if (existing === undefined) {
      into.set(key, copyRow(row, sign));
      continue;
    }
    const target = existing.measures as unknown as Measures;
    const add = row.measures as unknown as Measures;
    for (const name of MEASURE_NAMES[row.kind]) {
      const v = add[name] ?? 0;
      target[name] = target[name]! + (sign === 1 ? v : 0 - v);
    }
  }
}

function isZero(row: Contribution): boolean {
  return Object.values(row.measures as unknown as Measures).every((v) => v === 0);
}

function sortedRows(map: Map<string, Contribution>, dropZero: boolean): Contribution[] {
  return [...map.entries()]
    .filter(([, row]) => !dropZero || !isZero(row))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

/** Rows with equal keys summed into one. */
export function mergeContributions(rows: readonly Contribution[]): Contribution[] {
  const map = new Map<string, Contribution>();
  accumulate(map, rows, 1);
  return sortedRows(map, false);
}

/**
 * The signed rows to add to stored aggregates when a ticket's contributions change from
 * `previous` to `next` (`next − previous`); rows whose measures are all zero are dropped.
 */
export function diffContributions(
  previous: readonly Contribution[],
  next: readonly Contribution[],
): Contribution[] {
  const map = new Map<string, Contribution>();
  accumulate(map, next, 1);
  accumulate(map, previous, -1);
  return sortedRows(map, true);
}
