// Short-lived messages. Errors show their kind, so "forbidden" reads
// differently from "conflict", and SOP refusals name their first clause.

import { BackendError } from "./backend";

export type ToastTone = "ok" | "error" | "info";

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  detail: string;
}

let next = 1;
/** At most this many on screen; a new one pushes out the oldest. */
const MAX_VISIBLE = 3;
export const toasts = $state<Toast[]>([]);

export function toast(tone: ToastTone, title: string, detail = "", ms = 4500) {
  const id = next++;
  toasts.push({ id, tone, title, detail });
  if (toasts.length > MAX_VISIBLE) toasts.splice(0, toasts.length - MAX_VISIBLE);
  setTimeout(() => dismiss(id), tone === "error" ? ms * 2 : ms);
}

export function dismiss(id: number) {
  const index = toasts.findIndex((t) => t.id === id);
  if (index >= 0) toasts.splice(index, 1);
}

const KIND_TITLES: Record<string, string> = {
  validation: "Refused by the SOP",
  forbidden: "Not allowed",
  not_found: "Not found",
  conflict: "Changed meanwhile",
  storage: "Storage problem",
  internal: "Something went wrong",
};

export function toastError(error: unknown) {
  if (error instanceof BackendError) {
    const first = error.violations[0];
    const detail = first
      ? `${first.message} (${first.clause})${error.violations.length > 1 ? ` and ${error.violations.length - 1} more` : ""}`
      : error.message;
    // A validation error without SOP violations is input the app cannot use.
    const title = error.kind === "validation" && !first ? "Invalid input" : (KIND_TITLES[error.kind] ?? error.kind);
    toast("error", `${title} · ${error.kind}`, detail);
  } else {
    toast("error", "Something went wrong · internal", String(error));
  }
}
