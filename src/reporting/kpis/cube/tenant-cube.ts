/**
 * The cubes of one tenant (one per rollup kind the range KPIs read), and the data version they
 * hold. Loaded from a snapshot of the ledgers taken with the data version in the same database
 * snapshot; kept current by the deltas of each committed transaction, applied strictly in data
 * version order (a transaction that moved the version from `first − 1` to `last` applies once the
 * cube is at `first − 1`; earlier arrivals wait). A cube answers only at exactly the version the
 * database reports, so a missed or reordered commit can make it fall back to SQL, never be wrong.
 */
import type {
  Contribution,
  ContributionKind,
  OpenClock,
  TicketSegments,
} from '../../../core/aggregate/index.js';
import type { GroupedRow } from '../../../storage/kpi.repository.js';
import {
  answerGroups,
  answerQuantiles,
  answerRows,
  type CubeGroup,
  type QuantileGroup,
} from './answer.js';
import { KindCube, type KindCubeOptions } from './kind-cube.js';
import { BacklogIndex, type IndexedSegment } from './backlog-index.js';
import { OverdueClocks } from './overdue-clocks.js';
import { DAY_MS, dayOf, type CubeQuery } from './types.js';

/** The kinds the range KPIs read (range-kpis.ts). */
export const CUBE_KINDS = [
  'sla',
  'sla_sketch',
  'fcr',
  'volume',
  'handle_time',
  'handle_sketch',
] as const satisfies readonly ContributionKind[];
export type CubeKind = (typeof CUBE_KINDS)[number];

/** The ledgers as of one data version: what a loader (the SQL side) gives the cube. */
export interface CubeSnapshot {
  /** The tenant's data version, read in the same database snapshot as the rows. */
  version: string;
  /**
   * The first instant read (a UTC midnight), when the loader read only the last days: rows of
   * earlier buckets and segments that ended at or before it were left out.
   */
  since?: number;
  /** The ledger's rows of `kind` (one per key, or signed deltas: both sum the same), batched. */
  rows(kind: CubeKind): AsyncIterable<readonly Contribution[]>;
  /** Every backlog segment (none loaded when absent). */
  segments?(): AsyncIterable<readonly IndexedSegment[]>;
  /** The running clocks with a due time of live tickets (none loaded when absent). */
  openClocks?(): AsyncIterable<ReadonlyArray<OpenClock & { ticketId: string }>>;
  /** Ends the snapshot (its read transaction), once every kind was read or the load failed. */
  close?(): Promise<void>;
}

interface Commit {
  last: bigint;
  rows: readonly Contribution[];
  tickets: ReadonlyMap<string, TicketSegments> | undefined;
}

/** A ticket's segments as the backlog index holds them (as backlog_segment stores them). */
function segmentsOf(ticketId: string, t: TicketSegments): IndexedSegment[] {
  return t.segments.map((s) => ({
    ticketId,
    from: s.from,
    to: s.to,
    status: s.status,
    createdAt: t.createdAt,
    calendarId: s.calendar_id,
    team: s.group ?? null,
    agent: s.assignee_id ?? null,
    priority: s.priority ?? null,
    channel: s.channel ?? null,
    category: s.category ?? null,
    policy: s.policy_id ?? null,
  }));
}

export interface TenantCubeOptions extends KindCubeOptions {
  /**
   * The days of history held (the horizon; 0 or absent: all). The cube then holds the days from
   * `last − horizonDays` on, `last` being the latest day of the rollups (at most tomorrow by
   * `now`), plus the backlog segments that end after that day's start; it moves forward in steps
   * of a sixteenth of it as the data does. Questions reaching before it are not asked of the cube
   * (`holds`): they go to SQL.
   */
  horizonDays?: number;
  /** The clock that caps `last` (default Date.now): a far-future event does not move it. */
  now?: () => number;
}

export class TenantCube {
  readonly cubes = new Map<ContributionKind, KindCube>();
  /** The running clocks with a due time (SLA's overdue clocks). */
  readonly overdue = new OverdueClocks();
  /** The backlog segments (the backlog as of any instant). */
  readonly backlog = new BacklogIndex();
  private at: bigint;
  private ready = false;
  /** A commit overlapped the version held: only a reload can make the cube current again. */
  private broken = false;
  private readonly waiting = new Map<bigint, Commit>();
  /** The first UTC day held (-Infinity: all history); see `TenantCubeOptions.horizonDays`. */
  private horizonDay = -Infinity;
  private readonly horizonDays: number;
  private readonly now: () => number;

  constructor(
    version: string,
    readonly kinds: readonly CubeKind[] = CUBE_KINDS,
    options: TenantCubeOptions = {},
  ) {
    this.at = BigInt(version);
    this.horizonDays = options.horizonDays ?? 0;
    this.now = options.now ?? Date.now;
    for (const kind of kinds) this.cubes.set(kind, new KindCube(kind, options));
  }

  /** The first instant the cube answers for (epoch ms; -Infinity: all history). */
  get horizon(): number {
    return this.horizonDay * DAY_MS;
  }

  /**
   * Whether the cube answers a question about instants from `from` on: a range starting there,
   * the backlog at that instant. Earlier ones are for SQL.
   */
  holds(from: number): boolean {
    return from >= this.horizon;
  }

  /** Moves the horizon when the data moved a step past it (no horizon: nothing). */
  private advance(): void {
    if (this.horizonDays <= 0) return;
    let last = -Infinity;
    for (const cube of this.cubes.values()) last = Math.max(last, cube.lastDay);
    last = Math.min(last, dayOf(this.now()) + 1);
    if (!Number.isFinite(last)) return;
    const target = last - this.horizonDays;
    const step = Math.max(1, Math.ceil(this.horizonDays / 16));
    if (this.horizonDay !== -Infinity && target < this.horizonDay + step) return;
    this.trimBefore(target);
  }

  /** Forgets the days before `day` in every part (the horizon never moves back). */
  private trimBefore(day: number): void {
    if (day <= this.horizonDay) return;
    this.horizonDay = day;
    for (const cube of this.cubes.values()) cube.trimBefore(day);
    this.backlog.trimBefore(day * DAY_MS);
  }

  /** The data version held (commits waiting for an earlier one not counted). */
  get version(): string {
    return String(this.at);
  }

  /** Whether the cube answers for data `version`. */
  isAt(version: string): boolean {
    return this.ready && !this.broken && this.at === BigInt(version);
  }

  /**
   * Whether the cube holds data `version` or a later one: a read that saw `version` may answer
   * from it (with the cube's own version, which later commits moved on).
   */
  covers(version: string): boolean {
    return this.ready && !this.broken && this.at >= BigInt(version);
  }

  /** Whether the cube is loaded and behind `version`: only commits can bring it there. */
  isBehind(version: string): boolean {
    return this.ready && !this.broken && this.at < BigInt(version);
  }

  /** Whether the cube can never catch up by commits alone. */
  get isBroken(): boolean {
    return this.broken;
  }

  /** Loads every kind from the snapshot (taken at the version given to the constructor). */
  async fill(snapshot: CubeSnapshot): Promise<void> {
    if (BigInt(snapshot.version) !== this.at) throw new Error('snapshot of another data version');
    // Rows before what was read must be dropped as they come, or the cube would hold part of
    // those days and answer for them.
    if (snapshot.since !== undefined) this.trimBefore(Math.ceil(snapshot.since / DAY_MS));
    for (const kind of this.kinds) await this.cubes.get(kind)!.load(snapshot.rows(kind));
    if (snapshot.openClocks) await this.overdue.load(snapshot.openClocks());
    if (snapshot.segments) await this.backlog.load(snapshot.segments());
    this.advance();
    this.ready = true;
    this.drain();
  }

  /**
   * The rollup deltas of a committed transaction that moved the data version from `first − 1`
   * to `last` (`rows` empty for one that changed no sums: a compaction).
   */
  commit(
    first: string | bigint,
    last: string | bigint,
    rows: readonly Contribution[],
    tickets?: ReadonlyMap<string, TicketSegments>,
  ): void {
    const [lo, hi] = [BigInt(first), BigInt(last)];
    if (hi <= this.at) return;
    if (lo <= this.at || hi < lo) {
      this.broken = true;
      return;
    }
    this.waiting.set(lo, { last: hi, rows, tickets });
    if (this.ready) this.drain();
  }

  private drain(): void {
    for (let next = this.waiting.get(this.at + 1n); next; next = this.waiting.get(this.at + 1n)) {
      this.waiting.delete(this.at + 1n);
      const byKind = new Map<ContributionKind, Contribution[]>();
      for (const c of next.rows) {
        if (!this.cubes.has(c.kind)) continue;
        const list = byKind.get(c.kind);
        if (list === undefined) byKind.set(c.kind, [c]);
        else list.push(c);
      }
      for (const [kind, rows] of byKind) this.cubes.get(kind)!.apply(rows);
      for (const [id, t] of next.tickets ?? []) {
        this.overdue.replace(id, t.openClocks);
        this.backlog.replace(id, segmentsOf(id, t));
      }
      this.at = next.last;
    }
    this.advance();
  }

  private cube(kind: CubeKind): KindCube {
    const cube = this.cubes.get(kind);
    if (cube === undefined) throw new Error(`no ${kind} cube loaded`);
    return cube;
  }

  /** Per period and group: sums (measure kinds) or counts per bin (sketch kinds). */
  answer(kind: CubeKind, q: CubeQuery): CubeGroup[] {
    return answerGroups(this.cube(kind), q);
  }

  /** Per period and group of a sketch kind: `sketchQuantile` of its bins for each of `qs`. */
  quantiles(
    kind: 'sla_sketch' | 'handle_sketch',
    q: CubeQuery,
    qs: readonly number[],
  ): QuantileGroup[] {
    return answerQuantiles(this.cube(kind), q, qs);
  }

  /** The rows `sumRollup` / `sumSketch` return for the same question. */
  rows(
    kind: CubeKind,
    q: CubeQuery,
    options?: { measures?: readonly string[]; sketchName?: string },
  ): GroupedRow[] {
    return answerRows(this.cube(kind), q, options);
  }

  /** The clocks `countOverdueClocks` counts for the same question, at query time `now`. */
  overdueRows(now: number, q: CubeQuery): GroupedRow[] {
    return this.overdue.rows(now, q);
  }

  /** Bytes held in typed arrays, all kinds. */
  bytes(): number {
    let n = 0;
    for (const cube of this.cubes.values()) n += cube.bytes();
    return n + this.backlog.bytes();
  }
}
