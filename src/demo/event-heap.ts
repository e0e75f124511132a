/**
 * A min-heap of generated events by (instant, push order): tickets are generated one after the
 * other, and their events leave the heap in global `occurred_at` order, as a live help desk
 * sends them. Equal instants keep the order they were pushed in.
 */
import type { GeneratedEvent } from './profile.js';

interface Item extends GeneratedEvent {
  order: number;
}

const less = (a: Item, b: Item): boolean => a.at < b.at || (a.at === b.at && a.order < b.order);

export class EventHeap {
  private items: Item[] = [];
  private order = 0;

  get size(): number {
    return this.items.length;
  }

  peekAt(): number {
    return this.items[0]?.at ?? Infinity;
  }

  push(e: GeneratedEvent): void {
    const items = this.items;
    items.push({ ...e, order: this.order++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): GeneratedEvent {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      this.siftDown();
    }
    return { at: top.at, ticket: top.ticket, line: top.line };
  }

  private siftDown(): void {
    const items = this.items;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < items.length && less(items[l]!, items[m]!)) m = l;
      if (r < items.length && less(items[r]!, items[m]!)) m = r;
      if (m === i) return;
      [items[i], items[m]] = [items[m]!, items[i]!];
      i = m;
    }
  }
}
