/**
 * The `glpi` source: GLPI tickets as its REST API returns them, each with its `ITILFollowup`,
 * `TicketTask` and `ITILSolution` arrays embedded — a JSON array of tickets, or one ticket per
 * line (JSON Lines), `.gz` accepted. Read one ticket at a time; a chunk ends between tickets.
 * Dates are naive (the GLPI server's zone): `--timezone` is required. mapping.ts documents the
 * mapping. Rows are tickets, 1-based in file order.
 */
import type { ImportSource, SourceChunk, SourceOptions } from '../source.js';
import {
  chunkTickets,
  instantReader,
  openText,
  type ReadTicket,
  type SourceText,
} from '../xes/reading.js';
import { jsonValues } from '../zendesk/json-values.js';
import { mapGlpiTicket } from './mapping.js';

interface Item {
  row: number;
  ticket: unknown;
}

async function* tickets(text: AsyncIterable<string>): AsyncGenerator<ReadTicket<Item>> {
  let row = 0;
  for await (const ticket of jsonValues(text)) {
    row++;
    const id = (ticket as { id?: unknown }).id;
    yield { key: `${row}:${String(id)}`, rowsRead: row, item: { row, ticket } };
  }
}

/** The chunks of a GLPI export's text stream (the source's `read`, minus the file). */
export function readGlpi(
  text: SourceText,
  options: SourceOptions,
  size?: number,
): AsyncGenerator<SourceChunk> {
  const reader = instantReader(options.timezone);
  return chunkTickets(tickets(text), (item) => mapGlpiTicket(item.ticket, item.row, reader), {
    resumeFrom: options.resumeFrom,
    bytesRead: text.bytesRead,
    size,
  });
}

export const glpi: ImportSource = {
  name: 'glpi',
  summary: 'GLPI tickets with followups, tasks and solutions as its REST API returns them (JSON)',
  needsTimezone: true,
  read: (path, options) => readGlpi(openText(path), options),
};
