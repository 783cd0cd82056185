// The SOP §13 monthly review as the screen shows it: the month to open by
// default, minutes and percentages as people read them, and the pure layout
// of the horizontal bar charts (BarChart.svelte only draws what this computes).

import type { Priority } from "./bindings/Priority";
import type { SlaLine } from "./bindings/SlaLine";
import type { Target } from "./bindings/Target";

export type ReportFormat = "html" | "csv" | "json";

export const REPORT_FORMATS: readonly { format: ReportFormat; label: string; name: string }[] = [
  { format: "html", label: "HTML", name: "HTML page" },
  { format: "csv", label: "CSV", name: "CSV table" },
  { format: "json", label: "JSON", name: "JSON" },
];

/** "YYYY-MM", the `<input type="month">` value and the backend's month. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

/** The calendar month before `now`'s (local calendar), as "YYYY-MM". */
export function previousMonth(now: Date = new Date()): string {
  const year = now.getMonth() === 0 ? now.getFullYear() - 1 : now.getFullYear();
  const month = now.getMonth() === 0 ? 12 : now.getMonth();
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

/** The save dialog's suggestion: "escalation-review-2026-03.html". */
export function reportFileName(month: string, format: ReportFormat): string {
  return `escalation-review-${month}.${format}`;
}

/**
 * Minutes as a duration: 72 → "1h 12m", 45 → "45m", 60 → "1h",
 * 1500 → "1d 1h"; null (nothing measured) → "—". Rounded to the minute.
 */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return "—";
  const sign = minutes < 0 ? "-" : "";
  let rest = Math.round(Math.abs(minutes));
  const days = Math.floor(rest / 1440);
  rest -= days * 1440;
  const hours = Math.floor(rest / 60);
  const mins = rest - hours * 60;
  const parts: string[] = [];
  if (days > 0) parts.push(`${days}d`);
  if (hours > 0) parts.push(`${hours}h`);
  if (mins > 0 || parts.length === 0) parts.push(`${mins}m`);
  return sign + parts.join(" ");
}

/** 87.5 → "87.5%", 100 → "100%", null (nothing decided) → "—". */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

const TARGETS: Record<Target, string> = {
  escalate: "Escalate",
  acknowledge: "L2 acknowledgement",
  customer_update: "Customer update",
  resolve: "Resolution",
};

export function targetLabel(target: Target): string {
  return TARGETS[target] ?? target;
}

/** An SLA line's name: "All", "P2", "L2 acknowledgement", "P2 · L2 acknowledgement". */
export function slaLineLabel(line: Pick<SlaLine, "priority" | "target">): string {
  const parts: string[] = [];
  if (line.priority) parts.push(line.priority);
  if (line.target) parts.push(targetLabel(line.target));
  return parts.length === 0 ? "All" : parts.join(" · ");
}

export function priorityLabel(priority: Priority | null): string {
  return priority ?? "All";
}

export interface BarItem {
  label: string;
  value: number;
}

export interface BarRow {
  label: string;
  /** The label as drawn, shortened to fit its column. */
  shortLabel: string;
  value: number;
  /** The value as text beside the bar. */
  text: string;
  /** Top of the row. */
  y: number;
  /** Bar length, 0…barWidth. */
  width: number;
}

export interface BarLayout {
  rows: BarRow[];
  /** The value a full-length bar stands for. */
  max: number;
  width: number;
  height: number;
  labelWidth: number;
  barX: number;
  barWidth: number;
  rowHeight: number;
  barHeight: number;
}

export interface BarOptions {
  width?: number;
  labelWidth?: number;
  valueWidth?: number;
  rowHeight?: number;
  barHeight?: number;
  /** Fixes the scale (e.g. 100 for percentages); otherwise the largest value. */
  max?: number;
  format?: (value: number) => string;
  /** Longest label drawn, in characters. */
  maxLabelChars?: number;
}

/** The scale: the largest value (at least 1), or `max` when given and positive. */
export function barScale(items: readonly BarItem[], max?: number): number {
  if (max !== undefined && Number.isFinite(max) && max > 0) return max;
  const largest = items.reduce((m, item) => (Number.isFinite(item.value) ? Math.max(m, item.value) : m), 0);
  return largest > 0 ? largest : 1;
}

/** A bar's length: proportional, clamped to 0…full; a non-zero value shows at least 1 unit. */
export function barWidth(value: number, scale: number, full: number): number {
  if (!Number.isFinite(value) || value <= 0 || scale <= 0) return 0;
  const width = (Math.min(value, scale) / scale) * full;
  return Math.max(1, Math.round(width * 10) / 10);
}

/** Shortens text to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(1, max - 1)).join("")}…`;
}

/** Where every bar, label and value goes in a horizontal bar chart. */
export function layoutBars(items: readonly BarItem[], options: BarOptions = {}): BarLayout {
  const width = options.width ?? 480;
  const labelWidth = options.labelWidth ?? 150;
  const valueWidth = options.valueWidth ?? 64;
  const rowHeight = options.rowHeight ?? 24;
  const barHeight = options.barHeight ?? 14;
  const format = options.format ?? ((value: number) => String(value));
  const maxLabelChars = options.maxLabelChars ?? 22;
  const barX = labelWidth;
  const full = Math.max(0, width - labelWidth - valueWidth);
  const max = barScale(items, options.max);
  const rows = items.map((item, index) => ({
    label: item.label,
    shortLabel: truncate(item.label, maxLabelChars),
    value: item.value,
    text: format(item.value),
    y: index * rowHeight,
    width: barWidth(item.value, max, full),
  }));
  return { rows, max, width, height: Math.max(rowHeight, items.length * rowHeight), labelWidth, barX, barWidth: full, rowHeight, barHeight };
}

/** What a screen reader hears for a chart: "By team: validation 3, payments 1". */
export function chartSummary(title: string, items: readonly BarItem[], format: (value: number) => string = String): string {
  if (items.length === 0) return `${title}: no data`;
  return `${title}: ${items.map((item) => `${item.label} ${format(item.value)}`).join(", ")}`;
}
