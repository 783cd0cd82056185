// The SOP §13 offline review pack as the review screen shows it: what the
// verification found, each problem with the tickets it names, the pack's
// period, the notes per ticket and the default file name for exported notes.
// ReviewPack.svelte only renders what this computes.

import type { PackVerification } from "./bindings/PackVerification";
import type { ReviewNote } from "./bindings/ReviewNote";

/** One thing the verification found wrong, with the tickets it concerns. */
export interface PackProblem {
  /** The keys of the tickets concerned; empty when the problem names none. */
  tickets: string[];
  /** What is wrong, as one sentence. */
  text: string;
}

/** The longest reviewer name the backend accepts. */
export const MAX_REVIEWER_CHARS = 64;
/** The longest review note the backend accepts. */
export const MAX_NOTE_CHARS = 20_000;

/**
 * Every problem the verification found, in the order the backend checks:
 * broken hash chains, then attachments, then the manifest.
 */
export function packProblems(verification: PackVerification): PackProblem[] {
  const chains = verification.chain.breaks.map((broken) => ({
    tickets: [broken.ticket_key ?? broken.ticket_id],
    text: `event #${broken.seq}: ${broken.problem}`,
  }));
  const attachments = verification.attachment_problems.map((problem) => ({
    tickets: [...problem.tickets],
    text: `attachment ${shortDigest(problem.sha256)}: ${problem.problem}`,
  }));
  const manifest = verification.manifest_problems.map((text) => ({ tickets: [], text }));
  return [...chains, ...attachments, ...manifest];
}

/** The problems that name the ticket `key`. */
export function problemsOf(problems: PackProblem[], key: string): PackProblem[] {
  return problems.filter((problem) => problem.tickets.includes(key));
}

/** The keys of every ticket some problem names. */
export function flaggedTickets(problems: PackProblem[]): Set<string> {
  return new Set(problems.flatMap((problem) => problem.tickets));
}

/** The verification in one line, for the banner under its headline. */
export function verificationSummary(verification: PackVerification): string {
  if (!verification.verified) {
    const count = packProblems(verification).length;
    return `${plural(count, "problem")} found. Don't rely on what it shows: ask the desk for a new pack.`;
  }
  const { events, streams } = verification.chain;
  const attachments = verification.attachments_checked;
  return (
    `Every hash chain holds (${plural(events, "event")} in ${plural(streams, "ticket")}), ` +
    `${plural(attachments, "attachment")} ${attachments === 1 ? "matches its" : "match their"} SHA-256 and the manifest matches the export.`
  );
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * The pack's period `[from, to)` (UTC days, "YYYY-MM-DD") as people say it:
 * "March 2026" for a whole month, else "1 Mar 2026 – 15 Mar 2026" with the
 * last day included.
 */
export function periodLabel(from: string, to: string): string {
  const start = parseDay(from);
  const end = parseDay(to);
  if (!start || !end || end <= start) return `${from} – ${to}`;
  const nextMonth = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  if (start.getUTCDate() === 1 && end.getTime() === nextMonth.getTime()) {
    return `${LONG_MONTHS[start.getUTCMonth()]} ${start.getUTCFullYear()}`;
  }
  const last = new Date(end.getTime() - 86_400_000);
  if (last.getTime() === start.getTime()) return dayLabel(start);
  return `${dayLabel(start)} – ${dayLabel(last)}`;
}

function parseDay(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return Number.isNaN(date.getTime()) ? null : date;
}

function dayLabel(date: Date): string {
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

/** How many review notes each ticket (by key) has. */
export function noteCounts(notes: ReviewNote[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const note of notes) counts.set(note.ticket_key, (counts.get(note.ticket_key) ?? 0) + 1);
  return counts;
}

/** The file name at the end of `path`, with either separator. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/**
 * Where the save dialog suggests exporting the notes: beside the pack, named
 * after it ("/r/march.escpack" → "/r/march-review-notes.json").
 */
export function notesFileFor(packPath: string): string {
  const name = fileName(packPath);
  const dir = packPath.slice(0, packPath.length - name.length);
  const stem = name.replace(/\.escpack$/i, "") || "review-pack";
  return `${dir}${stem}-review-notes.json`;
}

/** Why `name` cannot sign a review note, or null when it can. */
export function reviewerProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === "") return "Name the reviewer.";
  if ([...trimmed].length > MAX_REVIEWER_CHARS) return `At most ${MAX_REVIEWER_CHARS} characters.`;
  return null;
}

/** "a1b2c3d4…" : enough of a SHA-256 to tell attachments apart on screen. */
export function shortDigest(sha256: string): string {
  return sha256.length > 12 ? `${sha256.slice(0, 12)}…` : sha256;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString("en-US")} ${noun}${count === 1 ? "" : "s"}`;
}
