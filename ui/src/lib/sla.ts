// SLA clocks and settings as the screen shows them. The backend computes the
// deadlines in business time; here they are only read against the wall clock.

import type { ClockState } from "./bindings/ClockState";
import type { ClockView } from "./bindings/ClockView";
import type { PolicyTargets } from "./bindings/PolicyTargets";

const MINUTE = 60_000;

/** "<1m", "25m", "1h 12m", "2d 3h": a span of wall time, sign ignored. */
export function shortDuration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / MINUTE);
  if (minutes < 1) return "<1m";
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

/** "1h 12m left", "overdue by 25m", "met", "missed"; null while a pause hides the deadline. */
export function timeLeft(clock: ClockView, now: Date): string | null {
  if (clock.state === "met" || clock.state === "missed") return clock.state;
  if (clock.due === null) return null;
  const left = new Date(clock.due).getTime() - now.getTime();
  if (Number.isNaN(left)) return null;
  return left >= 0 ? `${shortDuration(left)} left` : `overdue by ${shortDuration(left)}`;
}

/** Business time used as a fraction of the target, 0..1. */
export function used(clock: ClockView): number {
  if (clock.within_seconds <= 0) return 1;
  return Math.min(1, Math.max(0, clock.elapsed_seconds / clock.within_seconds));
}

/** A glyph per state, so the chip does not rely on colour alone. */
export const STATE_ICONS: Record<ClockState, string> = {
  running: "●",
  paused: "‖",
  imminent: "⚠",
  breached: "✖",
  met: "✓",
  missed: "✗",
};

/** The settings screen's warning points: "75%, 90%, 15m before" ↔ ["75%", "90%", "15m before"]. */
export function parseWarnings(text: string): string[] {
  return text
    .split(",")
    .map((point) => point.trim())
    .filter(Boolean);
}

/** The id of the settings input a backend message names ("invalid policies.standard-p2.acknowledge_within: …"). */
export function fieldOfError(message: string, rows: PolicyTargets[]): string | null {
  const field = /^invalid ([^:\s]+):/.exec(message)?.[1];
  if (!field) return null;
  if (field.startsWith("warnings")) return "sla-warnings";
  const [, policy, key] = /^policies\.(.+)\.([a-z_]+)$/.exec(field) ?? [];
  const row = rows.find((r) => r.policy === policy);
  return row && key ? `sla-${row.priority}-${key}` : null;
}
