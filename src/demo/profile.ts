/**
 * What a generated help desk is made of (src/demo/generator.ts draws from it): the span its
 * tickets are created in, its teams and agents, the mix of priorities, channels and categories,
 * the probabilities of what happens to a ticket, and when its agents work. The demo
 * (demo-profile.ts) and the KPI benchmark (bench/kpis/config.ts) are two profiles.
 */
import type { Random, Weights } from './random.js';

export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface Team {
  id: string;
  /** The support line: new tickets go to tier 1; escalations raise the tier. */
  tier: 1 | 2 | 3;
  /** Share of new tickets routed to the team (tier 1) or of escalations (tiers 2 and 3). */
  weight: number;
}

export interface GeneratedEvent {
  at: number;
  /** The ticket's number (creation order): a loader may shard connections by it. */
  ticket: number;
  /** The event as one NDJSON line (no newline). */
  line: string;
}

/** Probabilities (0–1) of the turns a ticket's history takes, in the order they are drawn. */
export interface TicketRates {
  /** Created by an agent (`via: agent`, an outbound ticket). */
  agentCreated: number;
  /** Of agent-created tickets: the customer writes (which starts the first-response clock). */
  customerAnswersOutbound: number;
  /** Assigned to an agent at creation (otherwise an update assigns it later). */
  assignedAtCreation: number;
  vipTag: number;
  /** Deleted as spam soon after creation. */
  spam: number;
  /** Of an agent's reactions: answered out of office hours anyway. */
  overtime: number;
  /** An internal note before the first public reply (email, portal…). */
  internalNote: number;
  /** Phone and chat tickets settled by the first contact (no further work). */
  settledByFirstContact: number;
  /** After the first touch the ticket waits on the customer (`pending`) rather than `open`. */
  pendingAfterFirstTouch: number;
  /** Escalated from the first to the second line… */
  escalate: number;
  /** …and from there on to the third. */
  escalateFurther: number;
  /** Handed to another agent of the team (when not escalated). */
  reassign: number;
  /** Priority raised (high → urgent, else → high). */
  raisePriority: number;
  /** A first customer follow-up, then each further one (at most four). */
  followUp: number;
  furtherFollowUp: number;
  /** Of follow-ups on phone tickets: answered by a call rather than a reply. */
  followUpByPhone: number;
  /** After answering a follow-up the agent waits on the customer. */
  pendingAfterAnswer: number;
  /** Waits on a third party (`on_hold`) for some days. */
  onHold: number;
  /** A work session (a contact with handle time) on a non-phone, non-chat ticket. */
  workSession: number;
  /** Of a contact: some time on hold. */
  contactHold: number;
  /** Merged into an earlier ticket (deleted). */
  merge: number;
  /** Forgotten: never solved, it stays in the backlog. */
  forgotten: number;
  /** Reopened by the customer after the solve, then solved again. */
  reopen: number;
  /** Closed automatically four days after the (last) solve. */
  close: number;
}

export interface HelpDeskProfile {
  /** The first day tickets are created on: a UTC midnight (ms). */
  from: number;
  /** Nothing happens at or after this instant (ms): tickets still open then are the backlog. */
  to: number;
  teams: readonly Team[];
  /** Each team's agents (ids). */
  agents: ReadonlyMap<string, readonly string[]>;
  priorities: Weights<Priority>;
  /** `phone` and `chat` are live channels (contacts first); any other is written. */
  channels: Weights<string>;
  categories: Weights<string>;
  /** Requesters are drawn from `cust-0` … `cust-<customers − 1>`. */
  customers: number;
  /** Growth of the daily ticket volume from the first day to the last (0.35: +35 %). */
  growth: number;
  rates: TicketRates;
  /** The help desk's UTC offset at `t` (ms): tickets arrive by its local hour of the day. */
  utcOffset(t: number): number;
  /**
   * `t` when the agents work at `t`, else an instant soon after they next start (it may draw
   * from `random`). Urgent tickets and overtime ignore it.
   */
  officeHours(t: number, random: Random): number;
}
