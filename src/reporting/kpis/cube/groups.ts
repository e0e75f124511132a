/**
 * The groups of one answer: a group is a period offset and a combination of the group-by
 * dimensions' ids (mixed radix over the dictionaries' sizes when the query started), numbered
 * in the order first met. Also the filters, as one allowed-ids mask per filtered dimension.
 */
import type { Dictionary } from './dictionary.js';
import type { Partition } from './partition.js';
import type { CubeQuery, KindSpec } from './types.js';

/** Dense slot tables up to this many (period, combination) slots; a Map beyond. */
const DENSE_SLOTS = 1 << 22;

function dimIndex(spec: KindSpec, name: string, what: string): number {
  const i = spec.dims.indexOf(name);
  if (i < 0) throw new Error(`${spec.kind} has no ${what} column "${name}"`);
  return i;
}

export class Groups {
  /** Dimension index of each group-by column. */
  readonly dims: number[];
  /** Mixed-radix weight of each group-by column. */
  readonly radix: number[];
  private readonly cards: number[];
  readonly combos: number;
  private readonly dense: Int32Array | undefined;
  private readonly sparse = new Map<number, number>();
  n = 0;
  period: number[] = [];
  combo: number[] = [];

  constructor(
    spec: KindSpec,
    private readonly dicts: readonly Dictionary[],
    private readonly groupBy: readonly string[],
    nP: number,
  ) {
    this.dims = groupBy.map((g) => dimIndex(spec, g, 'group_by'));
    this.cards = this.dims.map((d) => dicts[d]!.size);
    this.radix = this.cards.map((_, j) => this.cards.slice(j + 1).reduce((a, b) => a * b, 1));
    this.combos = this.cards.reduce((a, b) => a * b, 1);
    if (this.combos * nP > Number.MAX_SAFE_INTEGER) throw new Error('too many group keys');
    const slots = this.combos * nP;
    this.dense = slots <= DENSE_SLOTS ? new Int32Array(slots).fill(-1) : undefined;
  }

  /** The group of (period offset, combination), -1 when there is none yet. */
  find(p: number, combo: number): number {
    const slot = p * this.combos + combo;
    return this.dense !== undefined ? this.dense[slot]! : (this.sparse.get(slot) ?? -1);
  }

  /** The group of (period offset, combination), added when new. */
  slot(p: number, combo: number): number {
    const slot = p * this.combos + combo;
    let g = this.dense !== undefined ? this.dense[slot]! : (this.sparse.get(slot) ?? -1);
    if (g < 0) {
      g = this.n++;
      this.period.push(p);
      this.combo.push(combo);
      if (this.dense !== undefined) this.dense[slot] = g;
      else this.sparse.set(slot, g);
    }
    return g;
  }

  /** The combination of row `r` of `part`. */
  comboOf(part: Partition, r: number): number {
    let combo = 0;
    for (let j = 0; j < this.dims.length; j++)
      combo += part.dims[this.dims[j]!]![r]! * this.radix[j]!;
    return combo;
  }

  /** The group-by values of group `g`, as the SQL path returns them. */
  keysOf(g: number): Record<string, string | null> {
    const keys: Record<string, string | null> = {};
    const combo = this.combo[g]!;
    this.groupBy.forEach((name, j) => {
      const id = Math.floor(combo / this.radix[j]!) % this.cards[j]!;
      keys[name] = this.dicts[this.dims[j]!]!.valueOf(id);
    });
    return keys;
  }
}

/** A filter as a mask of allowed ids of one dimension. */
export interface Mask {
  dim: number;
  allowed: Uint8Array;
}

/** The filters of `q` as masks; null when some filter allows no value the cube has seen. */
export function masksOf(spec: KindSpec, dicts: readonly Dictionary[], q: CubeQuery): Mask[] | null {
  const masks: Mask[] = [];
  for (const f of q.filters) {
    const dim = dimIndex(spec, f.column, 'filter');
    const allowed = new Uint8Array(dicts[dim]!.size);
    let any = false;
    for (const value of f.values) {
      const id = dicts[dim]!.find(value);
      if (id !== undefined) {
        allowed[id] = 1;
        any = true;
      }
    }
    if (!any) return null;
    masks.push({ dim, allowed });
  }
  return masks;
}

/** Whether row `r` of `part` passes every mask. */
export function passes(masks: readonly Mask[], part: Partition, r: number): boolean {
  for (let i = 0; i < masks.length; i++) {
    const mask = masks[i]!;
    if (mask.allowed[part.dims[mask.dim]![r]!] !== 1) return false;
  }
  return true;
}
