/**
 * One generated ticket's history, in order, with strictly increasing instants (ties would make
 * "before the first solve" depend on arrival order): creation with a priority, channel, category
 * and first-line team; assignment; the first touch (a call, a chat, or written replies, some
 * after an internal note); then, unless a phone or chat contact settled it, escalations to the
 * second and third line or a reassignment, a raised priority, customer follow-ups each answered,
 * pending and on-hold periods, work sessions; the solve, sometimes a reopen and a second solve,
 * and the automatic close. Agents react with a delay by priority inside their office hours
 * (urgent tickets and overtime aside); customers whenever they like.
 *
 * The draws from `random` happen in a fixed order: changing that order (or any probability of a
 * profile) changes every ticket after it, so bench/kpis's GENERATOR_VERSION must change with it.
 */
import type { HelpDeskProfile, Priority, Team } from './profile.js';
import { lognormal, pick, weighted, type Random } from './random.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** An agent's median reaction time by priority. */
const REACTION: Record<Priority, number> = {
  urgent: 20 * MINUTE,
  high: 90 * MINUTE,
  normal: 4 * HOUR,
  low: 8 * HOUR,
};

export interface Actor {
  type: string;
  id?: string;
}

export interface Draft {
  at: number;
  type: string;
  actor: Actor;
  data: Record<string, unknown>;
}

/** A profile with its weighted draws prepared once. */
export interface Desk {
  profile: HelpDeskProfile;
  priority: (random: Random) => Priority;
  channel: (random: Random) => string;
  category: (random: Random) => string;
  firstLine: (random: Random) => Team;
  secondLine: (random: Random) => Team;
  thirdLine: (random: Random) => Team;
}

export function prepareDesk(profile: HelpDeskProfile): Desk {
  const line = (tier: number) =>
    weighted(profile.teams.filter((t) => t.tier === tier).map((t) => [t, t.weight] as const));
  return {
    profile,
    priority: weighted(profile.priorities),
    channel: weighted(profile.channels),
    category: weighted(profile.categories),
    firstLine: line(1),
    secondLine: line(2),
    thirdLine: line(3),
  };
}

class TicketScript {
  readonly drafts: Draft[] = [];
  private t: number;
  private status = 'new';
  private team: Team;
  private agent: string | null;
  private readonly priority: Priority;
  private readonly channel: string;
  private readonly category: string;
  private readonly customer: Actor;
  private readonly viaAgent: boolean;

  constructor(
    private readonly desk: Desk,
    private readonly random: Random,
    created: number,
    private readonly ticket: number,
  ) {
    const { rates } = desk.profile;
    this.t = created;
    this.team = desk.firstLine(random);
    this.priority = desk.priority(random);
    this.channel = desk.channel(random);
    this.category = desk.category(random);
    this.customer = {
      type: 'customer',
      id: `cust-${Math.floor(random() * desk.profile.customers)}`,
    };
    this.viaAgent = random() < rates.agentCreated;
    this.agent =
      random() < rates.assignedAtCreation || this.viaAgent ? pick(random, this.teamAgents()) : null;
  }

  private get rates() {
    return this.desk.profile.rates;
  }

  private get live(): boolean {
    return this.channel === 'phone' || this.channel === 'chat';
  }

  private teamAgents(): readonly string[] {
    return this.desk.profile.agents.get(this.team.id)!;
  }

  /** Moves the ticket's clock forward (at least a second) and returns it. */
  private at(next: number): number {
    return (this.t = Math.max(this.t + SECOND, Math.round(next)));
  }

  private push(type: string, actor: Actor, data: Record<string, unknown>): void {
    this.drafts.push({ at: this.t, type, actor, data });
  }

  private agentActor(): Actor {
    return { type: 'agent', id: this.agent ?? this.teamAgents()[0]! };
  }

  /** An agent's reaction time by priority, in office hours unless urgent or overtime. */
  private agentDelay(scale = 1): number {
    const next = this.t + lognormal(this.random, REACTION[this.priority] * scale, 1.1);
    return this.priority === 'urgent' || this.random() < this.rates.overtime
      ? next
      : this.desk.profile.officeHours(next, this.random);
  }

  private setStatus(next: string, actor: Actor): void {
    this.at(this.t + SECOND + this.random() * 20 * SECOND);
    this.push('ticket.status_changed', actor, { status: next });
    this.status = next;
  }

  private reply(): void {
    this.at(this.agentDelay());
    this.push('ticket.message', this.agentActor(), { direction: 'outbound', public: true });
  }

  /** A customer message after a delay of about `median` (customers answer whenever they like). */
  private customerWrites(median: number, sigma = 1.2): void {
    this.at(this.t + lognormal(this.random, median, sigma));
    this.push('ticket.message', this.customer, { direction: 'inbound', public: true });
  }

  private contact(talkMedian: number): void {
    const random = this.random;
    const talk = Math.round(lognormal(random, talkMedian, 0.7));
    const hold = random() < this.rates.contactHold ? Math.round(random() * 300) : 0;
    const wrap = Math.round(30 + random() * 210);
    this.at(this.t + (talk + hold + wrap) * SECOND);
    this.push('contact.completed', this.agentActor(), {
      agent_id: this.agentActor().id,
      talk_seconds: talk,
      hold_seconds: hold,
      wrap_seconds: wrap,
    });
  }

  /** The creation; false when the ticket is deleted as spam at once. */
  create(): boolean {
    const random = this.random;
    this.push('ticket.created', this.viaAgent ? this.agentActor() : this.customer, {
      priority: this.priority,
      channel: this.channel,
      group: this.team.id,
      category: this.category,
      tier: 1,
      requester_id: this.customer.id,
      ...(this.agent !== null ? { assignee_id: this.agent } : {}),
      ...(this.viaAgent ? { via: 'agent' } : {}),
      ...(random() < this.rates.vipTag ? { tags: ['vip'] } : {}),
    });
    if (random() < this.rates.spam) {
      this.at(this.t + 5 * MINUTE + random() * 2 * HOUR);
      this.push('ticket.deleted', this.agentActor(), { reason: 'spam' });
      return false;
    }
    return true;
  }

  /** Assignment (when nobody got it at creation), the customer's answer to an outbound ticket. */
  assign(): void {
    if (this.agent === null) {
      this.at(
        this.desk.profile.officeHours(this.t + lognormal(this.random, 30 * MINUTE, 1), this.random),
      );
      this.agent = pick(this.random, this.teamAgents());
      const dispatcher = { type: 'agent', id: this.teamAgents()[0]! };
      this.push('ticket.updated', dispatcher, { assignee_id: this.agent });
    }
    // Outbound: the customer's first message starts the first-response clock.
    if (this.viaAgent && this.random() < this.rates.customerAnswersOutbound) {
      this.customerWrites(3 * HOUR);
    }
  }

  /** The first touch; true when it settled a phone or chat ticket (solved next). */
  firstTouch(): boolean {
    const random = this.random;
    if (this.channel === 'phone') {
      this.contact(6 * 60);
    } else if (this.channel === 'chat') {
      this.at(this.t + 30 * SECOND + random() * 3 * MINUTE);
      this.push('ticket.message', this.agentActor(), { direction: 'outbound', public: true });
      this.contact(11 * 60);
    } else {
      if (random() < this.rates.internalNote) {
        this.at(this.agentDelay(0.5));
        this.push('ticket.message', this.agentActor(), { direction: 'outbound', public: false });
      }
      this.reply();
    }
    const settled = this.live && random() < this.rates.settledByFirstContact;
    if (!settled) {
      const next = random() < this.rates.pendingAfterFirstTouch ? 'pending' : 'open';
      this.setStatus(next, this.agentActor());
    }
    return settled;
  }

  /** Escalation to the second line (sometimes on to the third), else maybe a reassignment. */
  route(): void {
    const random = this.random;
    if (this.team.tier === 1 && random() < this.rates.escalate) {
      this.escalateTo(this.desk.secondLine(random), 0.5);
      if (random() < this.rates.escalateFurther) this.escalateTo(this.desk.thirdLine(random), 2);
    } else if (random() < this.rates.reassign) {
      const other = pick(random, this.teamAgents());
      if (other !== this.agent) {
        this.at(this.agentDelay(0.5));
        this.agent = other;
        this.push('ticket.updated', this.agentActor(), { assignee_id: this.agent });
      }
    }
    if (random() < this.rates.raisePriority && this.priority !== 'urgent') {
      this.at(this.agentDelay(0.3));
      const raised = this.priority === 'high' ? 'urgent' : 'high';
      this.push('ticket.updated', this.agentActor(), { priority: raised });
    }
  }

  private escalateTo(team: Team, delayScale: number): void {
    this.team = team;
    this.agent = pick(this.random, this.teamAgents());
    this.at(this.agentDelay(delayScale));
    this.push('ticket.updated', this.agentActor(), {
      tier: team.tier,
      group: team.id,
      assignee_id: this.agent,
    });
  }

  /** Customer follow-ups, each answered; on-hold periods; a work session. */
  converse(): void {
    const random = this.random;
    const rates = this.rates;
    for (
      let round = 0;
      random() < (round === 0 ? rates.followUp : rates.furtherFollowUp) && round < 4;
      round++
    ) {
      this.customerWrites(this.status === 'pending' ? 20 * HOUR : 6 * HOUR);
      if (this.status === 'pending') this.setStatus('open', { type: 'system' });
      if (this.channel === 'phone' && random() < rates.followUpByPhone) this.contact(5 * 60);
      else this.reply();
      if (random() < rates.pendingAfterAnswer) this.setStatus('pending', this.agentActor());
    }
    if (random() < rates.onHold) {
      this.setStatus('on_hold', this.agentActor());
      this.at(this.t + lognormal(random, 3 * DAY, 1));
      this.setStatus('open', this.agentActor());
    }
    if (random() < rates.workSession && !this.live) this.contact(4 * 60);
  }

  /** A merge into an earlier ticket or a forgotten ticket; true when the history ends here. */
  ends(): boolean {
    const random = this.random;
    if (random() < this.rates.merge) {
      this.at(this.agentDelay());
      this.push('ticket.deleted', this.agentActor(), {
        reason: 'merged',
        merged_into: `T${this.ticket > 0 ? Math.floor(random() * this.ticket) : 1}`,
      });
      return true;
    }
    return random() < this.rates.forgotten;
  }

  private solve(): void {
    this.at(
      this.status === 'pending'
        ? this.t + lognormal(this.random, 3 * DAY, 0.5)
        : this.agentDelay(0.4),
    );
    this.push('ticket.status_changed', this.agentActor(), { status: 'solved' });
    this.status = 'solved';
  }

  /** The solve, sometimes a reopen and a second solve, then the automatic close. */
  finish(): void {
    const random = this.random;
    this.solve();
    if (random() < this.rates.reopen) {
      this.customerWrites(30 * HOUR, 1);
      this.setStatus('open', { type: 'system' });
      this.reply();
      this.solve();
    }
    if (random() < this.rates.close) {
      this.at(this.t + 4 * DAY + random() * HOUR);
      this.push('ticket.status_changed', { type: 'system' }, { status: 'closed' });
    }
  }
}

/** Ticket number `ticket`'s events, created at `created`, in order (see the module doc). */
export function ticketDrafts(desk: Desk, random: Random, created: number, ticket: number): Draft[] {
  const script = new TicketScript(desk, random, created, ticket);
  if (!script.create()) return script.drafts;
  script.assign();
  const settled = script.firstTouch();
  if (!settled) {
    script.route();
    script.converse();
    if (script.ends()) return script.drafts;
  }
  script.finish();
  return script.drafts;
}
