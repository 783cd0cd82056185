// The SOP §7 customer message composer's logic: the templates and channels it
// offers, the leak check's findings laid over the text, and when a message
// may go out. The backend runs the leak check and refuses a leaking message
// itself; this only shapes what the screen shows.

import type { CommunicationChannel } from "./bindings/CommunicationChannel";
import type { CustomerUpdate } from "./bindings/CustomerUpdate";
import type { Finding } from "./bindings/Finding";
import type { LeakKind } from "./bindings/LeakKind";
import type { TemplateKind } from "./bindings/TemplateKind";

/** How long typing pauses before the message is checked again. */
export const CHECK_DELAY_MS = 250;

export const TEMPLATE_KINDS: readonly { kind: TemplateKind; label: string }[] = [
  { kind: "escalation_notice", label: "Escalation notice" },
  { kind: "progress_update", label: "Progress update" },
  { kind: "resolution", label: "Resolution" },
  { kind: "closure", label: "Closure" },
];

/** What a template may say, as the backend fills it in. */
export const PLACEHOLDERS: readonly { name: string; meaning: string }[] = [
  { name: "customer", meaning: "the customer's name" },
  { name: "contact", meaning: "the customer contact, or “there” when none is known" },
  { name: "product", meaning: "the product concerned" },
  { name: "impact", meaning: "the impact as documented" },
  { name: "sender", meaning: "your name" },
  { name: "next_update", meaning: "when the customer hears from us next: the SLA update deadline, in their time zone" },
  { name: "resolution", meaning: "the proposed fix" },
];

/** The send buttons: two hand the message over, the rest record one sent elsewhere. */
export const SEND_CHANNELS: readonly { channel: CommunicationChannel; label: string; delivers: boolean }[] = [
  { channel: "clipboard", label: "Copy to clipboard", delivers: true },
  { channel: "mail_client", label: "Open in mail client", delivers: true },
  { channel: "email", label: "Record as e-mailed", delivers: false },
  { channel: "phone", label: "Record phone call", delivers: false },
  { channel: "portal", label: "Record portal post", delivers: false },
  { channel: "chat", label: "Record chat", delivers: false },
];

export const LEAK_KIND_LABELS: Record<LeakKind, string> = {
  internal_name: "Internal name",
  support_level: "Support level",
  internal_note: "Internal note",
  ticket_key: "Ticket key",
  hostname: "Hostname",
  internal_url: "Internal URL",
  private_ip: "Private IP address",
  stack_trace: "Stack trace",
  log_line: "Log line",
  deny_listed: "Blocked term",
};

/** A run of the message: plain text, or text a finding flags. */
export interface Segment {
  text: string;
  finding: Finding | null;
}

/**
 * `text` cut into plain and flagged runs. A finding's `start..end` counts
 * characters (code points), as the backend does, not UTF-16 units; ranges
 * outside the text are clipped and overlaps go to the earlier finding.
 */
export function segments(text: string, findings: readonly Finding[]): Segment[] {
  const chars = Array.from(text);
  const sorted = [...findings].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Segment[] = [];
  let at = 0;
  for (const finding of sorted) {
    const start = Math.max(at, Math.min(finding.start, chars.length));
    const end = Math.min(finding.end, chars.length);
    if (end <= start) continue;
    if (start > at) out.push({ text: chars.slice(at, start).join(""), finding: null });
    out.push({ text: chars.slice(start, end).join(""), finding });
    at = end;
  }
  if (at < chars.length || out.length === 0) out.push({ text: chars.slice(at).join(""), finding: null });
  return out;
}

/** Why the message cannot be sent yet, or null when it can. */
export type SendBlock = "empty" | "leaks" | null;

/**
 * A message goes out when it has a body and the leak check found nothing in
 * it, or the owner recorded why it must go out as it is.
 */
export function sendBlock(body: string, findings: readonly Finding[], override: string | null): SendBlock {
  if (body.trim() === "") return "empty";
  if (findings.length > 0 && leakOverride(findings, override) === null) return "leaks";
  return null;
}

/** The override reason to send: only when there is something to override. */
export function leakOverride(findings: readonly Finding[], override: string | null): string | null {
  const reason = override?.trim() ?? "";
  return findings.length > 0 && reason !== "" ? reason : null;
}

/** The first non-blank line, for a one-line summary of a message. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line !== "") ?? ""
  );
}

/** The latest `count` updates sent to the customer, newest first. */
export function recentUpdates(updates: readonly CustomerUpdate[], count = 3): CustomerUpdate[] {
  return [...updates].reverse().sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, count);
}

/** The addresses in a "To" field: comma- or semicolon-separated, blanks dropped. */
export function recipients(to: string): string[] {
  return to
    .split(/[,;]/)
    .map((address) => address.trim())
    .filter((address) => address !== "");
}

/** The settings input a backend message names ("invalid templates.closure.body: …"). */
export function templateFieldOfError(message: string): string | null {
  const [, kind, part] = /^invalid templates\.([a-z_]+)\.(subject|body):/.exec(message) ?? [];
  return kind && part && TEMPLATE_KINDS.some((t) => t.kind === kind) ? `template-${kind}-${part}` : null;
}
