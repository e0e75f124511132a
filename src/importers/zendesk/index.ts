/**
 * The `zendesk` source: pages of Zendesk's incremental ticket event export, as the API returns
 * them (`{ "ticket_events": [...], "next_page": …, "end_time": …, "end_of_stream": … }`), one page
 * or several (JSON Lines, or pages concatenated, as a `curl` loop appends them), `.gz` accepted.
 * Read one page at a time. mapping.ts documents the mapping.
 *
 * The export is ordered by time across tickets, not grouped by ticket, so a chunk is a page and a
 * checkpoint falls between pages; resuming replays the pages before it through the mapping (which
 * remembers each ticket's requester) without yielding them. Rows are ticket events, 1-based
 * across the file.
 */
import type { ImportSource, SourceChunk, SourceOptions } from '../source.js';
import { chunkTickets, openText, type ReadTicket, type SourceText } from '../xes/reading.js';
import { jsonValues, JsonStreamError } from './json-values.js';
import { mapZendeskEvent, type ZendeskState } from './mapping.js';

interface Page {
  /** 1-based row of the page's first ticket event. */
  firstRow: number;
  events: unknown[];
}

async function* pages(text: AsyncIterable<string>): AsyncGenerator<ReadTicket<Page>> {
  let rows = 0;
  let index = 0;
  for await (const value of jsonValues(text)) {
    index++;
    const events = (value as { ticket_events?: unknown }).ticket_events;
    if (!Array.isArray(events)) {
      throw new JsonStreamError(0, `page ${index} has no "ticket_events" array`);
    }
    const page: Page = { firstRow: rows + 1, events };
    rows += events.length;
    const last = events.at(-1) as { id?: unknown } | undefined;
    yield { key: `page ${index} (last event ${String(last?.id)})`, rowsRead: rows, item: page };
  }
}

/** The chunks of an export's text stream (the source's `read`, minus the file). */
export function readZendesk(
  text: SourceText,
  options: SourceOptions,
  size = 1,
): AsyncGenerator<SourceChunk> {
  const state: ZendeskState = new Map();
  const map = (page: Page) => {
    const out: ReturnType<typeof mapZendeskEvent> = { events: [], rejections: [] };
    page.events.forEach((event, i) => {
      const mapped = mapZendeskEvent(event, page.firstRow + i, state);
      out.events.push(...mapped.events);
      out.rejections.push(...mapped.rejections);
    });
    return out;
  };
  return chunkTickets(pages(text), map, {
    resumeFrom: options.resumeFrom,
    bytesRead: text.bytesRead,
    size,
    replay: true,
  });
}

export const zendesk: ImportSource = {
  name: 'zendesk',
  summary: "Zendesk's incremental ticket event export (JSON pages of ticket_events)",
  needsTimezone: false,
  read: (path, options) => readZendesk(openText(path), options),
};
