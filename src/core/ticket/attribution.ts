/**
 * Attribution (spec: metrics.md, "Attribution"): a figure is grouped by the ticket's attributes
 * at the instant it is attributed (an SLA decision, a first solve, a contact's end, backlog
 * instant T), never by their current value. This is that snapshot.
 */
export interface Attribution {
  group: string | null;
  assignee_id: string | null;
  priority: string | null;
  channel: string | null;
  category: string | null;
  policy_id: string | null;
}

export function sameAttribution(a: Attribution, b: Attribution): boolean {
  return (
    a.group === b.group &&
    a.assignee_id === b.assignee_id &&
    a.priority === b.priority &&
    a.channel === b.channel &&
    a.category === b.category &&
    a.policy_id === b.policy_id
  );
}

export function pickAttribution(a: Attribution): Attribution {
  return {
    group: a.group,
    assignee_id: a.assignee_id,
    priority: a.priority,
    channel: a.channel,
    category: a.category,
    policy_id: a.policy_id,
  };
}
