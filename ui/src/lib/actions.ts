// Which actions to offer on a ticket, for the signed-in user. This mirrors
// the backend's role rules so the screen stays uncluttered; the backend is
// the check (SOP §3, §7, §9, §10), and a refusal still shows its clause.

import type { Ticket } from "./bindings/Ticket";
import type { User } from "./bindings/User";

export type ActionId =
  | "document"
  | "troubleshoot"
  | "attach"
  | "escalate"
  | "manage"
  | "approve_emergency"
  | "take_management"
  | "acknowledge"
  | "request_info"
  | "provide_info"
  | "propose"
  | "closure"
  | "reopen"
  | "note"
  | "customer_update"
  | "wait_on_customer"
  | "customer_responded";

const ESCALATED_WORK = ["investigating", "awaiting_info", "resolution_proposed"] as const;

export function availableActions(ticket: Ticket, user: User): ActionId[] {
  const owner = ticket.owner === user.id;
  const lead = user.role === "l3";
  const onTeam = user.role === "l2" && user.team !== null && user.team === ticket.team;
  const status = ticket.status;
  const actions: ActionId[] = [];
  const offer = (condition: boolean, action: ActionId) => {
    if (condition) actions.push(action);
  };
  const active = status !== "closed";
  const escalated = ticket.escalation !== null;

  offer(onTeam || lead ? status === "escalated" : false, "acknowledge");
  offer((onTeam || lead) && status === "investigating", "request_info");
  offer(owner && status === "awaiting_info", "provide_info");
  offer(escalated ? (onTeam || lead) && status === "investigating" : owner && status === "open", "propose");
  offer(owner && status === "open", "escalate");
  offer(
    (owner || onTeam) && escalated && ticket.management === null && (status === "escalated" || ESCALATED_WORK.includes(status as never)),
    "manage",
  );
  offer(lead && status === "open", "approve_emergency");
  offer(lead && ticket.management !== null && ticket.management.manager === null, "take_management");
  offer(owner && ["resolution_proposed", "fix_validated", "customer_confirmed", "monitoring"].includes(status), "closure");
  offer((owner || lead) && (status === "closed" || status === "monitoring"), "reopen");
  offer(owner && active, "document");
  offer(owner && active, "troubleshoot");
  offer((owner || user.role !== "l1") && active, "attach");
  offer(owner, "customer_update");
  offer(owner && active && status !== "monitoring" && ticket.waiting_on_customer === null, "wait_on_customer");
  offer(owner && ticket.waiting_on_customer !== null, "customer_responded");
  offer(true, "note");
  return actions;
}
