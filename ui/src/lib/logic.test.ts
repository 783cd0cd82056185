import { describe, expect, it } from "vitest";
import { availableActions } from "./actions";
import type { ClockView } from "./bindings/ClockView";
import type { PolicyTargets } from "./bindings/PolicyTargets";
import type { Ticket } from "./bindings/Ticket";
import type { User } from "./bindings/User";
import type { Violation } from "./bindings/Violation";
import { fileSize, initials, relativeTime } from "./format";
import { byField, checklist } from "./readiness";
import { fieldOfError, parseWarnings, shortDuration, timeLeft, used } from "./sla";
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
    linked_to: [], notes: [], customer_updates: [], waiting_on_customer: null, reopen_count: 0, monitoring_until: null,
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

  it("lets the owner wait on the customer, once, until the customer responds", () => {
    const ana = user("ana", "l1");
    const sam = user("sam", "l2", "software");
    const waiting = { reason: "Logs from the failing host", by: "ana", since: "2026-03-02T09:00:00Z" };
    expect(availableActions(ticket("investigating"), ana)).toContain("wait_on_customer");
    expect(availableActions(ticket("investigating"), ana)).not.toContain("customer_responded");
    expect(availableActions(ticket("investigating"), sam)).not.toContain("wait_on_customer");
    expect(availableActions(ticket("monitoring"), ana)).not.toContain("wait_on_customer");
    expect(availableActions(ticket("closed"), ana)).not.toContain("wait_on_customer");
    const held = ticket("investigating", { waiting_on_customer: waiting });
    expect(availableActions(held, ana)).toContain("customer_responded");
    expect(availableActions(held, ana)).not.toContain("wait_on_customer");
    expect(availableActions(held, sam)).not.toContain("customer_responded");
  });
});

describe("SLA clocks and settings", () => {
  const now = new Date("2026-03-02T12:00:00Z");
  const clock = (extra: Partial<ClockView> = {}): ClockView => ({
    target: "acknowledge", label: "L2 acknowledgement", cycle: 1, policy: "standard-p2", state: "running",
    start: "2026-03-02T09:00:00Z", stopped: null, due: "2026-03-02T13:12:00Z", due_local: "Mon 2026-03-02 14:12 CET",
    within: "4h", within_seconds: 14_400, elapsed_seconds: 3_600, next_checkpoint: null, explanation: "", ...extra,
  });

  it("says how long is left, or how long overdue, on the wall clock", () => {
    expect(timeLeft(clock(), now)).toBe("1h 12m left");
    expect(timeLeft(clock({ state: "breached", due: "2026-03-02T11:35:00Z" }), now)).toBe("overdue by 25m");
    expect(timeLeft(clock({ due: "2026-03-04T15:00:00Z" }), now)).toBe("2d 3h left");
    expect(timeLeft(clock({ due: "2026-03-02T12:00:20Z" }), now)).toBe("<1m left");
    expect(timeLeft(clock({ state: "paused", due: null, due_local: null }), now)).toBeNull();
    expect(timeLeft(clock({ state: "met", stopped: "2026-03-02T10:00:00Z" }), now)).toBe("met");
    expect(timeLeft(clock({ state: "missed", due: "2026-03-01T10:00:00Z" }), now)).toBe("missed");
    expect(shortDuration(2 * 3_600_000)).toBe("2h");
  });

  it("caps the business time used at the target", () => {
    expect(used(clock())).toBe(0.25);
    expect(used(clock({ elapsed_seconds: 20_000 }))).toBe(1);
    expect(used(clock({ within_seconds: 0 }))).toBe(1);
  });

  it("reads warning points and finds the field a refusal names", () => {
    expect(parseWarnings(" 75%, 90%,, 15m before ")).toEqual(["75%", "90%", "15m before"]);
    expect(parseWarnings("")).toEqual([]);
    const rows = (["P1", "P2"] as const).map((priority): PolicyTargets => ({
      priority, policy: `standard-${priority.toLowerCase()}`, calendar: "default",
      escalate_within: "1h", acknowledge_within: "30m", update_every: "2h", resolve_within: "1d",
    }));
    expect(fieldOfError("invalid policies.standard-p2.acknowledge_within: not a duration", rows)).toBe("sla-P2-acknowledge_within");
    expect(fieldOfError("invalid warnings[1]: not a percentage", rows)).toBe("sla-warnings");
    expect(fieldOfError("invalid policies.gold.resolve_within: x", rows)).toBeNull();
    expect(fieldOfError("Only an L3 lead or manager changes SLA policies", rows)).toBeNull();
  });
});
