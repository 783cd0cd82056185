import { describe, expect, it } from "vitest";
import { availableActions } from "./actions";
import type { Ticket } from "./bindings/Ticket";
import type { User } from "./bindings/User";
import type { Violation } from "./bindings/Violation";
import { fileSize, initials, relativeTime } from "./format";
import { byField, checklist } from "./readiness";
import { pagesFor, visibleRows } from "./virtual";

const violation = (rule: string, field: string): Violation => ({ rule, clause: "§", field, message: rule });

describe("readiness checklist", () => {
  it("groups violations under their SOP step and leaves the rest ticked", () => {
    const items = checklist([violation("SOP-6.2-logs", "attachments"), violation("SOP-6.2-steps", "steps_to_reproduce"), violation("SOP-4-criteria", "criteria")]);
    const state = Object.fromEntries(items.map((i) => [i.item.id, i.violations.map((v) => v.rule)]));
    expect(state["documentation"]).toEqual(["SOP-6.2-logs", "SOP-6.2-steps"]);
    expect(state["criteria"]).toEqual(["SOP-4-criteria"]);
    expect(items.filter((i) => i.ok).map((i) => i.item.id)).toEqual(["type", "confirm", "routing", "notify", "priority", "duplicates", "exception", "permission"]);
  });

  it("does not confuse §5 with §5.3 or §6.1 with §6.10-like prefixes", () => {
    const items = checklist([violation("SOP-5.3-priority", "reasons"), violation("SOP-6-state", "status")]);
    expect(items.find((i) => i.item.id === "type")?.ok).toBe(false);
    expect(items.find((i) => i.item.id === "permission")?.ok).toBe(false);
    expect(items.find((i) => i.item.id === "confirm")?.ok).toBe(true);
  });

  it("keys violations by field", () => {
    const fields = byField([violation("SOP-6.3-team", "team"), violation("SOP-6.3-category", "category"), violation("SOP-5-category", "category")]);
    expect(fields.get("category")?.map((v) => v.rule)).toEqual(["SOP-6.3-category", "SOP-5-category"]);
    expect(fields.get("team")?.length).toBe(1);
    expect(fields.has("impact")).toBe(false);
  });
});

describe("virtual list window", () => {
  it("renders only the rows on screen plus overscan", () => {
    expect(visibleRows(0, 400, 40, 100_000, 5)).toEqual({ start: 0, end: 16 });
    expect(visibleRows(40_000, 400, 40, 100_000, 5)).toEqual({ start: 995, end: 1016 });
    expect(visibleRows(3_999_600, 400, 40, 100_000, 5)).toEqual({ start: 99_985, end: 100_000 });
  });

  it("handles empty lists and maps rows to the pages that hold them", () => {
    expect(visibleRows(0, 400, 40, 0)).toEqual({ start: 0, end: 0 });
    expect(pagesFor({ start: 0, end: 0 }, 200)).toEqual([]);
    expect(pagesFor({ start: 190, end: 230 }, 200)).toEqual([0, 1]);
    expect(pagesFor({ start: 99_985, end: 100_000 }, 200)).toEqual([499]);
  });
});

describe("formatting", () => {
  const now = new Date("2026-03-02T12:00:00Z");
  it("says how long ago", () => {
    expect(relativeTime("2026-03-02T11:59:30Z", now)).toBe("just now");
    expect(relativeTime("2026-03-02T11:15:00Z", now)).toBe("45 min ago");
    expect(relativeTime("2026-03-02T07:00:00Z", now)).toBe("5 h ago");
    expect(relativeTime("2026-02-28T12:00:00Z", now)).toBe("2 d ago");
    expect(relativeTime("not a date", now)).toBe("not a date");
  });
  it("formats sizes and initials", () => {
    expect(fileSize(512)).toBe("512 B");
    expect(fileSize(2048)).toBe("2.0 KiB");
    expect(fileSize(26 * 1024 * 1024)).toBe("26.0 MiB");
    expect(initials("Ana Lopez")).toBe("AL");
    expect(initials("sam")).toBe("SA");
  });
});

describe("role actions", () => {
  const user = (id: string, role: User["role"], team: User["team"] = null): User => ({
    id, handle: id, display_name: id, role, team, active: true, created_at: "2026-03-01T00:00:00Z",
  });
  const ticket = (status: Ticket["status"], extra: Partial<Ticket> = {}): Ticket => ({
    id: "t", key: "ESC-1", number: 1, owner: "ana", customer: "Acme", customer_contact: null, priority: "P2",
    documentation: { summary: "s", product: "", impact: "", steps_to_reproduce: "", environment: "" },
    troubleshooting: [], attachments: [], status, level: "l2", category: "software", team: "software",
    assignee: null, escalation: null, management: null, info_exchanges: [], resolution: null, exceptions: [],
    linked_to: [], notes: [], customer_updates: [], reopen_count: 0, monitoring_until: null,
    opened_at: "", updated_at: "", closed_at: null, ...extra,
  });
  const escalation: NonNullable<Ticket["escalation"]> = { escalation_type: "software", criteria: [], reasons: [], sla_policy: "standard-p2", by: "ana", at: "", acknowledged_at: null };

  it("offers L1 the SOP steps of an owner and L2 the team's", () => {
    const ana = user("ana", "l1");
    const sam = user("sam", "l2", "software");
    const hana = user("hana", "l2", "hardware");
    expect(availableActions(ticket("open"), ana)).toContain("escalate");
    expect(availableActions(ticket("open"), sam)).not.toContain("escalate");
    const escalated = ticket("escalated", { escalation: { ...escalation } });
    expect(availableActions(escalated, sam)).toContain("acknowledge");
    expect(availableActions(escalated, hana)).not.toContain("acknowledge");
    expect(availableActions(escalated, ana)).not.toContain("acknowledge");
    expect(availableActions(ticket("resolution_proposed", { escalation: { ...escalation } }), ana)).toContain("closure");
    expect(availableActions(ticket("resolution_proposed", { escalation: { ...escalation } }), sam)).not.toContain("closure");
  });

  it("offers L3 the emergency approval and never L1", () => {
    expect(availableActions(ticket("open"), user("lee", "l3"))).toContain("approve_emergency");
    expect(availableActions(ticket("open"), user("ana", "l1"))).not.toContain("approve_emergency");
    expect(availableActions(ticket("closed"), user("sam", "l2", "software"))).toEqual(["note"]);
  });
});
