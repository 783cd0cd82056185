// The escalation wizard's live checklist (SOP §6 Steps 1–4), built from the
// violations the backend's rules return for the draft: the UI never re-implements
// a rule, it only groups what the rules said.

import type { Violation } from "./bindings/Violation";

export interface ChecklistItem {
  id: string;
  label: string;
  clause: string;
  /** Rule-id prefixes that belong to this item. */
  rules: readonly string[];
}

export const CHECKLIST: readonly ChecklistItem[] = [
  { id: "criteria", label: "Escalation criteria", clause: "§4", rules: ["SOP-4-"] },
  { id: "type", label: "Type and reasons", clause: "§5", rules: ["SOP-5-", "SOP-5.1-", "SOP-5.2-", "SOP-5.3-"] },
  { id: "confirm", label: "L1 troubleshooting complete", clause: "§6 Step 1", rules: ["SOP-6.1-"] },
  { id: "documentation", label: "Documentation", clause: "§6 Step 2", rules: ["SOP-6.2-"] },
  { id: "routing", label: "Category, team, priority and SLA", clause: "§6 Step 3", rules: ["SOP-6.3-"] },
  { id: "notify", label: "Notification: ticket ID and impact", clause: "§6 Step 4", rules: ["SOP-6.4-"] },
  { id: "priority", label: "Priority handling", clause: "§8", rules: ["SOP-8-"] },
  { id: "duplicates", label: "No duplicate escalation", clause: "§11", rules: ["SOP-11-"] },
  { id: "exception", label: "Exception", clause: "§12", rules: ["SOP-12-"] },
  { id: "permission", label: "You may escalate this ticket", clause: "§3, §9", rules: ["SOP-3-", "SOP-9-", "SOP-6-state"] },
];

export interface ChecklistState {
  item: ChecklistItem;
  violations: Violation[];
  ok: boolean;
}

/** Each checklist item with the violations that keep it open. */
export function checklist(violations: readonly Violation[]): ChecklistState[] {
  return CHECKLIST.map((item) => {
    const mine = violations.filter((v) => item.rules.some((prefix) => v.rule.startsWith(prefix)));
    return { item, violations: mine, ok: mine.length === 0 };
  });
}

/** Violations keyed by the field they name, for showing beside each field. */
export function byField(violations: readonly Violation[]): Map<string, Violation[]> {
  const fields = new Map<string, Violation[]>();
  for (const violation of violations) {
    const list = fields.get(violation.field) ?? [];
    list.push(violation);
    fields.set(violation.field, list);
  }
  return fields;
}
