import { describe, expect, it } from "vitest";
import type { PackVerification } from "./bindings/PackVerification";
import type { ReviewNote } from "./bindings/ReviewNote";
import {
  fileName,
  flaggedTickets,
  noteCounts,
  notesFileFor,
  packProblems,
  periodLabel,
  problemsOf,
  reviewerProblem,
  verificationSummary,
} from "./reviewPack";

const SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

function verification(overrides: Partial<PackVerification> = {}): PackVerification {
  return {
    verified: true,
    chain: { streams: 12, events: 140, breaks: [] },
    attachments_checked: 3,
    attachment_problems: [],
    manifest_problems: [],
    ...overrides,
  };
}

const tampered = verification({
  verified: false,
  chain: {
    streams: 12,
    events: 140,
    breaks: [{ ticket_id: "0190-a", ticket_key: "ESC-3", seq: 4, problem: "the event's hash does not match its contents: it was altered" }, { ticket_id: "0190-b", ticket_key: null, seq: 1, problem: "altered" }],
  },
  attachment_problems: [{ sha256: SHA, tickets: ["ESC-7", "ESC-9"], problem: "the content does not match its SHA-256: the attachment was altered" }],
  manifest_problems: ["ticket ESC-11 has 4 events; 5 were exported"],
});

describe("the pack's verification", () => {
  it("lists every problem with the tickets it names, chains first", () => {
    expect(packProblems(tampered)).toEqual([
      { tickets: ["ESC-3"], text: "event #4: the event's hash does not match its contents: it was altered" },
      { tickets: ["0190-b"], text: "event #1: altered" },
      { tickets: ["ESC-7", "ESC-9"], text: "attachment 9f86d081884c…: the content does not match its SHA-256: the attachment was altered" },
      { tickets: [], text: "ticket ESC-11 has 4 events; 5 were exported" },
    ]);
    expect(packProblems(verification())).toEqual([]);
  });

  it("finds a ticket's own problems and every flagged ticket", () => {
    const problems = packProblems(tampered);
    expect(problemsOf(problems, "ESC-9").map((p) => p.text)).toEqual([
      "attachment 9f86d081884c…: the content does not match its SHA-256: the attachment was altered",
    ]);
    expect(problemsOf(problems, "ESC-1")).toEqual([]);
    expect([...flaggedTickets(problems)].sort()).toEqual(["0190-b", "ESC-3", "ESC-7", "ESC-9"]);
  });

  it("sums up a verified pack and counts a tampered pack's problems", () => {
    expect(verificationSummary(verification())).toBe(
      "Every hash chain holds (140 events in 12 tickets), 3 attachments match their SHA-256 and the manifest matches the export.",
    );
    expect(verificationSummary(verification({ chain: { streams: 1, events: 1, breaks: [] }, attachments_checked: 1 }))).toBe(
      "Every hash chain holds (1 event in 1 ticket), 1 attachment matches its SHA-256 and the manifest matches the export.",
    );
    expect(verificationSummary(tampered)).toBe("4 problems found. Don't rely on what it shows: ask the desk for a new pack.");
  });
});

describe("the pack's period", () => {
  it("names a whole month, also across a year", () => {
    expect(periodLabel("2026-03-01", "2026-04-01")).toBe("March 2026");
    expect(periodLabel("2026-12-01", "2027-01-01")).toBe("December 2026");
  });

  it("shows other periods with their last day included", () => {
    expect(periodLabel("2026-03-01", "2026-03-16")).toBe("1 Mar 2026 – 15 Mar 2026");
    expect(periodLabel("2026-02-15", "2026-03-15")).toBe("15 Feb 2026 – 14 Mar 2026");
    expect(periodLabel("2026-03-05", "2026-03-06")).toBe("5 Mar 2026");
  });

  it("shows what it cannot read as it came", () => {
    expect(periodLabel("March", "2026-04-01")).toBe("March – 2026-04-01");
    expect(periodLabel("2026-04-01", "2026-03-01")).toBe("2026-04-01 – 2026-03-01");
  });
});

describe("review notes", () => {
  const note = (key: string): ReviewNote => ({ id: key + Math.random(), ticket_id: "x", ticket_key: key, reviewer: "lee", body: "ok", written_at: "2026-04-06T15:30:00Z" });

  it("counts the notes of each ticket", () => {
    const counts = noteCounts([note("ESC-1"), note("ESC-2"), note("ESC-1")]);
    expect(counts.get("ESC-1")).toBe(2);
    expect(counts.get("ESC-2")).toBe(1);
    expect(counts.get("ESC-3")).toBeUndefined();
  });

  it("suggests exporting the notes beside the pack, named after it", () => {
    expect(notesFileFor("/home/lee/review/march.escpack")).toBe("/home/lee/review/march-review-notes.json");
    expect(notesFileFor("C:\\Reviews\\March.ESCPACK")).toBe("C:\\Reviews\\March-review-notes.json");
    expect(notesFileFor("pack.db")).toBe("pack.db-review-notes.json");
    expect(notesFileFor("/r/.escpack")).toBe("/r/review-pack-review-notes.json");
    expect(fileName("/home/lee/review/march.escpack")).toBe("march.escpack");
  });

  it("needs a reviewer's name the backend accepts", () => {
    expect(reviewerProblem("  ")).toBe("Name the reviewer.");
    expect(reviewerProblem("x".repeat(65))).toBe("At most 64 characters.");
    expect(reviewerProblem("  lee ")).toBeNull();
    expect(reviewerProblem("é".repeat(64))).toBeNull();
  });
});
