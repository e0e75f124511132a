/**
 * A tickets-like report table for the export benchmark: 20 columns (2 ids, 6 dictionary strings,
 * 4 timestamps, 6 ints, 2 floats, 1 bool), a mix of nullable ones, rows from a seeded PRNG.
 */
import type { ReportColumn, ReportRow, ReportTable } from '../../src/core/report/table.js';
import { rng as mulberry32 } from '../../src/demo/random.js';

const col = (
  name: string,
  type: ReportColumn['type'],
  nullable: boolean,
  dictionary = false,
): ReportColumn => ({ name, type, nullable, dictionary, description: `The ticket's ${name}.` });

export const TICKETS: ReportTable = {
  name: 'tickets',
  columns: [
    col('ticket_id', 'int', false),
    col('status', 'string', false, true),
    col('priority', 'string', false, true),
    col('channel', 'string', false, true),
    col('team', 'string', true, true),
    col('assignee', 'string', true, true),
    col('sla_policy', 'string', true, true),
    col('created_at', 'timestamp', false),
    col('first_response_at', 'timestamp', true),
    col('resolved_at', 'timestamp', true),
    col('updated_at', 'timestamp', false),
    col('requester_id', 'int', false),
    col('reopen_count', 'int', false),
    col('message_count', 'int', false),
    col('first_response_seconds', 'int', true),
    col('resolution_seconds', 'int', true),
    col('breach_count', 'int', false),
    col('handle_hours', 'float', false),
    col('csat', 'float', true),
    col('first_contact_resolved', 'bool', true),
  ],
};

const STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const CHANNELS = ['email', 'web', 'chat', 'phone', 'api', 'social'];
const TEAMS = Array.from({ length: 12 }, (_, i) => `Team ${i + 1}`);
const AGENTS = Array.from({ length: 250 }, (_, i) => `agent${i}@example.com`);
const POLICIES = ['Standard', 'Premium', 'Enterprise 24/7', 'VIP'];
const START = Date.UTC(2025, 0, 1);

/** `count` rows starting at ticket id `first`, deterministic for a seed. */
export function ticketRows(first: number, count: number, seed = 20260101): ReportRow[] {
  const rnd = mulberry32(seed + first);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const rows: ReportRow[] = [];
  for (let i = 0; i < count; i++) {
    const created = START + Math.floor(rnd() * 365 * 86_400_000);
    const firstResponse = rnd() < 0.9 ? Math.floor(rnd() * 86_400) : null;
    const resolution = rnd() < 0.7 ? Math.floor(rnd() * 30 * 86_400) : null;
    rows.push([
      first + i,
      pick(STATUSES),
      pick(PRIORITIES),
      pick(CHANNELS),
      rnd() < 0.95 ? pick(TEAMS) : null,
      rnd() < 0.85 ? pick(AGENTS) : null,
      rnd() < 0.9 ? pick(POLICIES) : null,
      created,
      firstResponse === null ? null : created + firstResponse * 1000,
      resolution === null ? null : created + resolution * 1000,
      created + Math.floor(rnd() * 40 * 86_400_000),
      Math.floor(rnd() * 5_000_000),
      Math.floor(rnd() * rnd() * 4),
      1 + Math.floor(rnd() * 40),
      firstResponse,
      resolution,
      Math.floor(rnd() * 3),
      Math.round(rnd() * 4000) / 100,
      rnd() < 0.3 ? Math.round(rnd() * 40 + 10) / 10 : null,
      rnd() < 0.8 ? rnd() < 0.6 : null,
    ]);
  }
  return rows;
}
