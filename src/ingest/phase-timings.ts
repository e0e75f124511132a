/**
 * Where an ingest request's time went, phase by phase: the `Server-Timing` header of
 * `POST /v1/events` (W3C Server Timing), so a slow request can be taken apart from the outside —
 * waiting for its body, for a connection, for a lock, or for the event loop — without a profiler.
 */
export class PhaseTimings {
  private readonly totals = new Map<string, number>();
  private last = performance.now();

  /** Ends the phase running since the last lap, adding its time to `name`'s. */
  lap(name: string): void {
    const at = performance.now();
    this.totals.set(name, (this.totals.get(name) ?? 0) + (at - this.last));
    this.last = at;
  }

  /** The phases in the order they first ended, as a Server-Timing value. */
  header(): string {
    return [...this.totals].map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', ');
  }
}
