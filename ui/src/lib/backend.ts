// The only module that talks to the Rust backend. Components import these
// functions; nothing else calls `invoke`, `listen` or a plugin. Every failure
// becomes a `BackendError` carrying the backend's one error shape, so the UI
// branches on `kind` and places `violations` beside their fields.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";
import type { AlertSettings } from "./bindings/AlertSettings";
import type { AppError } from "./bindings/AppError";
import type { AppInfo } from "./bindings/AppInfo";
import type { AttachmentKind } from "./bindings/AttachmentKind";
import type { Command } from "./bindings/Command";
import type { CommunicationChannel } from "./bindings/CommunicationChannel";
import type { CustomerEmail } from "./bindings/CustomerEmail";
import type { CustomerMail } from "./bindings/CustomerMail";
import type { CustomerMailSettings } from "./bindings/CustomerMailSettings";
import type { DemoReport } from "./bindings/DemoReport";
import type { Draft } from "./bindings/Draft";
import type { ErrorKind } from "./bindings/ErrorKind";
import type { Finding } from "./bindings/Finding";
import type { Glossary } from "./bindings/Glossary";
import type { MonthlyReport } from "./bindings/MonthlyReport";
import type { NewTicket } from "./bindings/NewTicket";
import type { NotesImport } from "./bindings/NotesImport";
import type { Outcome } from "./bindings/Outcome";
import type { PackTicket } from "./bindings/PackTicket";
import type { PackView } from "./bindings/PackView";
import type { PackInfo } from "./bindings/PackInfo";
import type { QueueCount } from "./bindings/QueueCount";
import type { ReviewNote } from "./bindings/ReviewNote";
import type { ReviewNotes } from "./bindings/ReviewNotes";
import type { Role } from "./bindings/Role";
import type { SimilarEscalation } from "./bindings/SimilarEscalation";
import type { SlaSettings } from "./bindings/SlaSettings";
import type { SlaSettingsView } from "./bindings/SlaSettingsView";
import type { Team } from "./bindings/Team";
import type { Template } from "./bindings/Template";
import type { TemplateKind } from "./bindings/TemplateKind";
import type { TicketDetail } from "./bindings/TicketDetail";
import type { TicketPage } from "./bindings/TicketPage";
import type { TicketQuery } from "./bindings/TicketQuery";
import type { User } from "./bindings/User";
import type { VerifyReport } from "./bindings/VerifyReport";
import type { Violation } from "./bindings/Violation";
import type { ReportFormat } from "./report";

const KINDS: readonly ErrorKind[] = ["validation", "forbidden", "not_found", "conflict", "storage", "internal"];

export class BackendError extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
    this.name = "BackendError";
  }

  get kind(): ErrorKind {
    return this.error.kind;
  }

  get violations(): Violation[] {
    return this.error.violations;
  }
}

/** Anything the IPC layer threw, as the backend's error shape. */
export function asAppError(raw: unknown): AppError {
  if (typeof raw === "object" && raw !== null) {
    const candidate = raw as Partial<AppError>;
    if (typeof candidate.kind === "string" && KINDS.includes(candidate.kind) && typeof candidate.message === "string") {
      return { kind: candidate.kind, message: candidate.message, violations: candidate.violations ?? [] };
    }
  }
  // Tauri itself rejects with a string when a command's arguments do not deserialize: a UI bug.
  const message = raw instanceof Error ? raw.message : String(raw);
  return { kind: "internal", message, violations: [] };
}

async function call<T>(command: string, args: Record<string, unknown> = {}): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw new BackendError(asAppError(raw));
  }
}

export const backend = {
  appInfo: () => call<AppInfo>("app_info"),
  glossary: () => call<Glossary>("get_glossary"),
  listUsers: () => call<User[]>("list_users"),
  createUser: (handle: string, displayName: string, role: Role, team: Team | null) =>
    call<User>("create_user", { handle, displayName, role, team }),
  signIn: (handle: string) => call<User>("sign_in", { handle }),
  queueCounts: () => call<QueueCount[]>("queue_counts"),
  listTickets: (query: TicketQuery) => call<TicketPage>("list_tickets", { query }),
  getTicket: (ticket: string) => call<TicketDetail>("get_ticket", { ticket }),
  openTicket: (ticket: NewTicket) => call<Outcome>("open_ticket", { ticket }),
  /** Runs a command on the ticket as the user last saw it (`version`). */
  execute: (ticket: string, command: Command, version: number | null) =>
    call<Outcome>("execute_command", { ticket, command, version }),
  /** What the SOP rules would say, without doing it. */
  check: (ticket: string, command: Command) => call<Violation[]>("check_command", { ticket, command }),
  similarEscalations: (ticket: string) => call<SimilarEscalation[]>("similar_escalations", { ticket }),
  attachFiles: (ticket: string, paths: string[], kind: AttachmentKind) =>
    call<Outcome>("attach_files", { ticket, paths, kind }),
  openAttachment: (sha256: string) => call<null>("open_attachment", { sha256 }),
  loadDemoData: () => call<DemoReport>("load_demo_data"),
  verifyAuditChain: () => call<VerifyReport>("verify_audit_chain"),

  /** SOP §7: the internal details the leak check finds in a customer message, by character range. */
  checkCustomerMessage: (ticket: string, text: string) => call<Finding[]>("check_customer_message", { ticket, text }),
  /** A customer message from a template; `timeZone` (IANA) defaults to the SLA calendar's. */
  draftCustomerMessage: (ticket: string, kind: TemplateKind, timeZone: string | null) =>
    call<Draft>("draft_customer_message", { ticket, kind, timeZone }),
  /**
   * Records the message on the ticket (owner only), then copies it or opens the
   * mail client. Refused while it leaks internal details, unless `leakOverride` says why.
   */
  sendCustomerMessage: (ticket: string, channel: CommunicationChannel, to: string, subject: string, body: string, leakOverride: string | null) =>
    call<Outcome>("send_customer_message", { ticket, channel, to, subject, body, leakOverride }),
  /**
   * Sends the message by e-mail through the desk's mail server, then records it
   * (owner only). Nothing is recorded when the server refuses it (kind "delivery").
   */
  sendCustomerEmail: (ticket: string, email: CustomerEmail) => call<Outcome>("send_customer_email", { ticket, email }),
  customerMail: () => call<CustomerMailSettings>("get_customer_mail"),
  /** L3 only; `password`, when given, goes to the OS keyring, never to a file. */
  saveCustomerMail: (config: CustomerMail, password: string | null) =>
    call<CustomerMailSettings>("save_customer_mail", { config, password }),
  templates: () => call<Template[]>("get_templates"),
  /** L3 only; an unknown placeholder is refused, naming its field ("templates.closure.body"). */
  saveTemplates: (templates: Template[]) => call<Template[]>("save_templates", { templates }),

  slaSettings: () => call<SlaSettingsView>("get_sla_settings"),
  /** L3 only (SOP §3); a value that does not parse is refused, naming its field. */
  saveSlaSettings: (settings: SlaSettings) => call<SlaSettingsView>("save_sla_settings", { settings }),
  importHolidays: (calendar: string, path: string) => call<SlaSettingsView>("import_holidays", { calendar, path }),
  /** Opens sla.toml in the OS's editor. */
  openSlaFile: () => call<null>("open_sla_file"),
  alertSettings: () => call<AlertSettings>("get_alert_settings"),
  /** Holds notifications for `minutes`; 0 resumes them. */
  snoozeAlerts: (minutes: number) => call<AlertSettings>("snooze_alerts", { minutes }),
  setNotificationsPaused: (paused: boolean) => call<AlertSettings>("set_notifications_paused", { paused }),
  setAutostart: (enabled: boolean) => call<AlertSettings>("set_autostart", { enabled }),

  /** The SOP §13 monthly review of `month` ("YYYY-MM"); a malformed month is a validation error. */
  monthlyReport: (month: string) => call<MonthlyReport>("get_monthly_report", { month }),
  /** Writes the review of `month` as `format` to `path` (from `chooseReportPath`). */
  saveMonthlyReport: (month: string, format: ReportFormat, path: string) =>
    call<null>("save_monthly_report", { month, format, path }),

  /** L3 only: the month's tickets, events and attachments as one review pack at `path`. */
  exportReviewPack: (month: string, path: string) => call<PackInfo>("export_review_pack", { month, path }),
  /** Brings a lead's exported review notes back as internal notes, each once. */
  importReviewNotes: (path: string) => call<NotesImport>("import_review_notes", { path }),

  /** The OS save dialog for a new review pack; null if cancelled. */
  async choosePackPath(defaultPath: string): Promise<string | null> {
    return saveDialog({ title: "Export a review pack", defaultPath, filters: [{ name: "Escalator review pack", extensions: ["escpack"] }] });
  },

  /** The OS file dialog for a lead's exported review notes; null if cancelled. */
  async chooseNotesFile(): Promise<string | null> {
    const chosen = await openDialog({ multiple: false, directory: false, title: "Import review notes", filters: [{ name: "Review notes (JSON)", extensions: ["json"] }] });
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  },

  /** The OS save dialog for a review export; null if cancelled. */
  async chooseReportPath(defaultPath: string, format: ReportFormat): Promise<string | null> {
    const filters = { html: { name: "HTML page", extensions: ["html", "htm"] }, csv: { name: "CSV table", extensions: ["csv"] }, json: { name: "JSON", extensions: ["json"] } };
    return saveDialog({ title: "Export the monthly review", defaultPath, filters: [filters[format]] });
  },

  /** The OS file dialog; resolves to the chosen paths (empty if cancelled). */
  async chooseFiles(): Promise<string[]> {
    const chosen = await openDialog({ multiple: true, directory: false, title: "Attach logs, screenshots or reports" });
    if (chosen === null) return [];
    return Array.isArray(chosen) ? chosen : [chosen];
  },

  /**
   * SOP §13 offline review: opens the pack at `path` read-only and verifies it (a tampered
   * pack opens with `verification.verified` false); it stays open until `closeReviewPack`.
   */
  openReviewPack: (path: string) => call<PackView>("open_review_pack", { path }),
  /** A ticket of the open pack with its timeline. */
  reviewPackTicket: (ticket: string) => call<PackTicket>("review_pack_ticket", { ticket }),
  /** Writes a review note beside the open pack (never in it). */
  addReviewNote: (ticket: string, reviewer: string, body: string) =>
    call<ReviewNote>("add_review_note", { ticket, reviewer, body }),
  /** Writes the open pack's notes to `path`, for the desk's `import-review-notes`. */
  exportReviewNotes: (path: string) => call<ReviewNotes>("export_review_notes", { path }),
  closeReviewPack: () => call<null>("close_review_pack"),

  /** The OS file dialog for one review pack; null if cancelled. */
  async chooseReviewPack(): Promise<string | null> {
    const chosen = await openDialog({ multiple: false, directory: false, title: "Open a review pack", filters: [{ name: "Escalator review pack", extensions: ["escpack"] }] });
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  },

  /** The OS save dialog for exported review notes; null if cancelled. */
  async chooseNotesPath(defaultPath: string): Promise<string | null> {
    return saveDialog({ title: "Export the review notes", defaultPath, filters: [{ name: "Review notes (JSON)", extensions: ["json"] }] });
  },

  /** The OS file dialog for one iCalendar file; null if cancelled. */
  async chooseCalendarFile(): Promise<string | null> {
    const chosen = await openDialog({ multiple: false, directory: false, title: "Import holidays", filters: [{ name: "iCalendar", extensions: ["ics"] }] });
    return Array.isArray(chosen) ? (chosen[0] ?? null) : chosen;
  },

  /**
   * What the backend announces on its own: SLA deadlines moved (`sla-changed`),
   * a notification or the tray asks to open a ticket (`open-ticket`, its key),
   * the alert settings changed (`alerts-changed`). Returns the unsubscribe function.
   */
  async onDeskEvents(handlers: { slaChanged: () => void; openTicket: (key: string) => void; alertsChanged: (settings: AlertSettings) => void }): Promise<() => void> {
    const stops = await Promise.all([
      listen("sla-changed", () => handlers.slaChanged()),
      listen<string>("open-ticket", (event) => handlers.openTicket(event.payload)),
      listen<AlertSettings>("alerts-changed", (event) => handlers.alertsChanged(event.payload)),
    ]);
    return () => stops.forEach((stop) => stop());
  },

  /** Files dropped on the window; returns the unsubscribe function. */
  async onFilesDropped(handler: (paths: string[]) => void, hovering: (over: boolean) => void): Promise<() => void> {
    return getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === "enter" || payload.type === "over") hovering(true);
      else if (payload.type === "leave") hovering(false);
      else if (payload.type === "drop") {
        hovering(false);
        if (payload.paths.length > 0) handler(payload.paths);
      }
    });
  },
};
