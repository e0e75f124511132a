/**
 * Answers of the backlog index (backlog-index.ts) kept per instant, so that a question asked
 * again — a dashboard's backlog trend, whose past period ends stay the same from one refresh to
 * the next — is not counted again over every ticket open at those instants.
 *
 * An answer at instant T stays right until a ticket's segments change at or before T. Each
 * `replace` says from which instant the ticket's part of the answers changed (`changedFrom`),
 * and every kept answer at or after the earliest such instant is dropped before the next
 * lookup. A help desk's events arrive about in time order, so a change touches the newest
 * instants and the older ones stay; a change that leaves the segments as they were (a note, a
 * reply) touches none.
 */
import type { BacklogGroup } from '../backlog.js';

/**
 * A segment as far as answers read it: where it holds, and everything counted or grouped of a
 * ticket it holds (creation, status, calendar, attributes) as one text.
 */
export interface SegmentFace {
  from: number;
  /** +Infinity when open-ended. */
  to: number;
  /** Numbers equal iff the answers read the same (backlog-index-store.ts: dictionary ids). */
  face: readonly number[];
}

function compareFaces(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return a.length - b.length;
}

/** The faces of the segments holding `at`, sorted (a multiset, in case segments overlap). */
function holding(segments: readonly SegmentFace[], at: number): Array<readonly number[]> {
  const faces: Array<readonly number[]> = [];
  for (const s of segments) if (s.from <= at && at < s.to) faces.push(s.face);
  return faces.length > 1 ? faces.sort(compareFaces) : faces;
}

const sameList = (a: ReadonlyArray<readonly number[]>, b: ReadonlyArray<readonly number[]>) =>
  a.length === b.length && a.every((x, i) => compareFaces(x, b[i]!) === 0);

/**
 * The earliest instant at which a ticket with segments `before` and one with `after` stand
 * differently in a backlog answer (+Infinity when at none). What holds an instant changes only
 * at a segment's `from` or `to`, so the first of those where the two differ is the answer:
 * before it, both hold the same faces at every instant.
 */
export function changedFrom(before: readonly SegmentFace[], after: readonly SegmentFace[]): number {
  const points = new Set<number>();
  for (const s of [...before, ...after]) {
    if (!Number.isNaN(s.from)) points.add(s.from);
    if (Number.isFinite(s.to)) points.add(s.to);
  }
  for (const at of [...points].sort((a, b) => a - b)) {
    if (!sameList(holding(before, at), holding(after, at))) return at;
  }
  return Infinity;
}

/** A deep copy: callers may change what they get without changing what is kept. */
function copy(groups: readonly BacklogGroup[]): BacklogGroup[] {
  return groups.map((g) => ({
    ...g,
    keys: { ...g.keys },
    buckets: g.buckets.map((b) => ({ ...b })),
  }));
}

/** At most this many answers (one instant, one question) are kept, the least recently used going first. */
const MAX_ANSWERS = 1024;

export class InstantResults {
  /** Answers by instant, then by question; instants in order of last use. */
  private readonly byInstant = new Map<number, Map<string, BacklogGroup[]>>();
  private answers = 0;
  private groupsHeld = 0;
  /** Answers at or after it are stale (dropped at the next lookup). */
  private staleFrom = Infinity;

  /** The answer kept for `question` at `at`, or undefined. */
  get(at: number, question: string): BacklogGroup[] | undefined {
    this.dropStale();
    const answers = this.byInstant.get(at);
    const groups = answers?.get(question);
    if (groups === undefined) return undefined;
    // Most recently used last.
    this.byInstant.delete(at);
    this.byInstant.set(at, answers!);
    return copy(groups);
  }

  /** Keeps (a copy of) `groups` as the answer to `question` at `at`. */
  set(at: number, question: string, groups: readonly BacklogGroup[]): void {
    this.dropStale();
    let answers = this.byInstant.get(at);
    if (answers === undefined) {
      answers = new Map();
      this.byInstant.set(at, answers);
    }
    const old = answers.get(question);
    if (old !== undefined) this.groupsHeld -= old.length;
    else this.answers++;
    answers.set(question, copy(groups));
    this.groupsHeld += groups.length;
    while (this.answers > MAX_ANSWERS) this.evictOldest();
  }

  /** Answers at or after `at` no longer hold. */
  changedFrom(at: number): void {
    if (at < this.staleFrom) this.staleFrom = at;
  }

  /** Answers before `at` will not be asked again. */
  forgetBefore(at: number): void {
    for (const instant of this.byInstant.keys()) if (instant < at) this.drop(instant);
  }

  clear(): void {
    this.byInstant.clear();
    this.answers = 0;
    this.groupsHeld = 0;
    this.staleFrom = Infinity;
  }

  /** Whether no answer is kept (stale ones not yet dropped count as kept). */
  get empty(): boolean {
    return this.answers === 0;
  }

  /** Answers kept. */
  get size(): number {
    this.dropStale();
    return this.answers;
  }

  /** Approximate bytes held: a group's object, its keys and its buckets. */
  bytes(): number {
    return this.groupsHeld * 400 + this.answers * 100;
  }

  private dropStale(): void {
    if (this.staleFrom === Infinity) return;
    const from = this.staleFrom;
    this.staleFrom = Infinity;
    // Deleting the entry just visited is safe while iterating a Map.
    for (const instant of this.byInstant.keys()) if (instant >= from) this.drop(instant);
  }

  private evictOldest(): void {
    const oldest = this.byInstant.keys().next();
    if (!oldest.done) this.drop(oldest.value);
  }

  private drop(instant: number): void {
    const answers = this.byInstant.get(instant);
    if (answers === undefined) return;
    for (const groups of answers.values()) this.groupsHeld -= groups.length;
    this.answers -= answers.size;
    this.byInstant.delete(instant);
  }
}
