import { describe, expect, it } from "vitest";
import type { CustomerUpdate } from "./bindings/CustomerUpdate";
import type { Finding } from "./bindings/Finding";
import { firstLine, leakOverride, recentUpdates, recipients, segments, sendBlock, templateFieldOfError } from "./message";

const finding = (start: number, end: number, text: string, kind: Finding["kind"] = "ticket_key"): Finding => ({ kind, start, end, text, message: `${kind} found` });

/** The flagged runs only, as text. */
const flagged = (text: string, findings: Finding[]) => segments(text, findings).filter((s) => s.finding).map((s) => s.text);

describe("leak highlights", () => {
  it("cuts the text into plain and flagged runs that join back to it", () => {
    const text = "See ESC-12 on db-prod-03.internal today";
    const parts = segments(text, [finding(4, 10, "ESC-12"), finding(14, 33, "db-prod-03.internal", "hostname")]);
    expect(parts.map((p) => [p.text, p.finding?.kind ?? null])).toEqual([
      ["See ", null],
      ["ESC-12", "ticket_key"],
      [" on ", null],
      ["db-prod-03.internal", "hostname"],
      [" today", null],
    ]);
    expect(parts.map((p) => p.text).join("")).toBe(text);
  });

  it("counts characters, not UTF-16 units: accents and emoji before a finding", () => {
    // The backend's own example: "Grüße, ESC-1" flags ESC-1 at 7..12.
    expect(flagged("Grüße, ESC-1", [finding(7, 12, "ESC-1")])).toEqual(["ESC-1"]);
    // Each emoji (and the skin-tone modifier) is one character but two UTF-16 units.
    const text = "👋🏽 Hi! Sam Ito 🙂 is on ESC-7 🚀";
    const findings = [finding(23, 28, "ESC-7"), finding(7, 14, "Sam Ito", "internal_name")];
    expect(text.slice(23, 28)).not.toBe("ESC-7");
    const parts = segments(text, findings);
    expect(parts.filter((p) => p.finding).map((p) => p.text)).toEqual(["Sam Ito", "ESC-7"]);
    expect(parts.map((p) => p.text).join("")).toBe(text);
  });

  it("flags emoji and combined characters themselves without splitting them", () => {
    const text = "a🙂b";
    expect(flagged(text, [finding(1, 2, "🙂", "deny_listed")])).toEqual(["🙂"]);
  });

  it("clips ranges past the end, drops empty ones and overlaps", () => {
    expect(segments("", [])).toEqual([{ text: "", finding: null }]);
    expect(segments("plain", [])).toEqual([{ text: "plain", finding: null }]);
    expect(flagged("short ESC-1", [finding(6, 40, "ESC-1")])).toEqual(["ESC-1"]);
    expect(flagged("short", [finding(9, 12, "x"), finding(3, 3, "")])).toEqual([]);
    const overlapping = segments("abcdefgh", [finding(4, 8, "efgh", "hostname"), finding(2, 6, "cdef")]);
    expect(overlapping.map((p) => p.text)).toEqual(["ab", "cdef", "gh"]);
    expect(overlapping.map((p) => p.text).join("")).toBe("abcdefgh");
  });
});

describe("sending a customer message", () => {
  const leaks = [finding(0, 5, "ESC-1")];

  it("needs a body", () => {
    expect(sendBlock("  \n", [], null)).toBe("empty");
    expect(sendBlock("Hello", [], null)).toBeNull();
  });

  it("is blocked while the leak check finds something, unless a reason is given", () => {
    expect(sendBlock("ESC-1 is fixed", leaks, null)).toBe("leaks");
    expect(sendBlock("ESC-1 is fixed", leaks, "   ")).toBe("leaks");
    expect(sendBlock("ESC-1 is fixed", leaks, "The customer knows this key")).toBeNull();
  });

  it("passes the override reason only when there is something to override", () => {
    expect(leakOverride(leaks, "  Asked by the customer ")).toBe("Asked by the customer");
    expect(leakOverride(leaks, "")).toBeNull();
    expect(leakOverride(leaks, null)).toBeNull();
    expect(leakOverride([], "Asked by the customer")).toBeNull();
  });

  it("reads the recipients from a comma- or semicolon-separated To field", () => {
    expect(recipients(" ops@acme.example, cto@acme.example ;; ")).toEqual(["ops@acme.example", "cto@acme.example"]);
    expect(recipients("  ")).toEqual([]);
  });
});

describe("customer communication log", () => {
  const update = (at: string, body: string): CustomerUpdate => ({ channel: "email", subject: "", body, to: [], by: "u1", at });

  it("shows the latest three, newest first", () => {
    const updates = [update("2026-03-01T09:00:00Z", "a"), update("2026-03-03T09:00:00Z", "c"), update("2026-03-02T09:00:00Z", "b"), update("2026-03-04T09:00:00Z", "d")];
    expect(recentUpdates(updates).map((u) => u.body)).toEqual(["d", "c", "b"]);
    expect(recentUpdates([])).toEqual([]);
  });

  it("summarises a message by its first non-blank line", () => {
    expect(firstLine("\n  Hello Dana,\r\nMore")).toBe("Hello Dana,");
    expect(firstLine("")).toBe("");
  });
});

describe("template settings errors", () => {
  it("finds the input a refusal names", () => {
    expect(templateFieldOfError("invalid templates.closure.body: '{ticket}' is not a placeholder")).toBe("template-closure-body");
    expect(templateFieldOfError("invalid templates.progress_update.subject: a '{' has no closing '}'")).toBe("template-progress_update-subject");
    expect(templateFieldOfError("invalid templates.nonsense.body: x")).toBeNull();
    expect(templateFieldOfError("Only an L3 lead can change this")).toBeNull();
  });
});
