import { describe, expect, it } from "vitest";
import {
  barScale,
  barWidth,
  chartSummary,
  formatMinutes,
  formatPercent,
  isMonth,
  layoutBars,
  previousMonth,
  reportFileName,
  slaLineLabel,
  truncate,
} from "./report";

describe("the review's month", () => {
  it("defaults to the previous calendar month, across a year", () => {
    expect(previousMonth(new Date(2026, 3, 2))).toBe("2026-03");
    expect(previousMonth(new Date(2026, 0, 15))).toBe("2025-12");
    expect(previousMonth(new Date(2026, 11, 31, 23, 59))).toBe("2026-11");
  });

  it("accepts only YYYY-MM", () => {
    expect(isMonth("2026-03")).toBe(true);
    expect(isMonth("2026-3")).toBe(false);
    expect(isMonth("2026-13")).toBe(false);
    expect(isMonth("")).toBe(false);
  });

  it("suggests a file name per format", () => {
    expect(reportFileName("2026-03", "html")).toBe("escalation-review-2026-03.html");
    expect(reportFileName("2026-03", "csv")).toBe("escalation-review-2026-03.csv");
    expect(reportFileName("2026-03", "json")).toBe("escalation-review-2026-03.json");
  });
});

describe("formatting", () => {
  it("reads minutes as hours and minutes", () => {
    expect(formatMinutes(72)).toBe("1h 12m");
    expect(formatMinutes(45)).toBe("45m");
    expect(formatMinutes(60)).toBe("1h");
    expect(formatMinutes(0)).toBe("0m");
    expect(formatMinutes(12.6)).toBe("13m");
    expect(formatMinutes(1500)).toBe("1d 1h");
    expect(formatMinutes(2 * 1440 + 61)).toBe("2d 1h 1m");
    expect(formatMinutes(null)).toBe("—");
  });

  it("reads percentages with at most one decimal", () => {
    expect(formatPercent(87.5)).toBe("87.5%");
    expect(formatPercent(100)).toBe("100%");
    expect(formatPercent(66.66666)).toBe("66.7%");
    expect(formatPercent(null)).toBe("—");
  });

  it("names SLA lines", () => {
    expect(slaLineLabel({ priority: null, target: null })).toBe("All");
    expect(slaLineLabel({ priority: "P2", target: null })).toBe("P2");
    expect(slaLineLabel({ priority: "P2", target: "acknowledge" })).toBe("P2 · L2 acknowledgement");
  });

  it("shortens long labels", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("Checkout API returns 500", 10)).toBe("Checkout …");
  });
});

describe("bar chart layout", () => {
  it("scales to the largest value, or a fixed maximum", () => {
    expect(barScale([{ label: "a", value: 3 }, { label: "b", value: 7 }])).toBe(7);
    expect(barScale([{ label: "a", value: 0 }])).toBe(1);
    expect(barScale([])).toBe(1);
    expect(barScale([{ label: "a", value: 30 }], 100)).toBe(100);
  });

  it("makes bars proportional, never negative, never longer than full", () => {
    expect(barWidth(5, 10, 200)).toBe(100);
    expect(barWidth(10, 10, 200)).toBe(200);
    expect(barWidth(20, 10, 200)).toBe(200);
    expect(barWidth(0, 10, 200)).toBe(0);
    expect(barWidth(-3, 10, 200)).toBe(0);
    expect(barWidth(0.001, 10, 200)).toBe(1);
  });

  it("stacks one row per item", () => {
    const layout = layoutBars(
      [
        { label: "validation", value: 4 },
        { label: "payments", value: 2 },
        { label: "none", value: 0 },
      ],
      { width: 400, labelWidth: 100, valueWidth: 60, rowHeight: 20 },
    );
    expect(layout.barWidth).toBe(240);
    expect(layout.height).toBe(60);
    expect(layout.rows.map((r) => [r.y, r.width, r.text])).toEqual([
      [0, 240, "4"],
      [20, 120, "2"],
      [40, 0, "0"],
    ]);
  });

  it("formats value labels and summarises for screen readers", () => {
    const items = [{ label: "P1", value: 72 }];
    expect(layoutBars(items, { format: formatMinutes }).rows[0]?.text).toBe("1h 12m");
    expect(chartSummary("Median time to acknowledge", items, formatMinutes)).toBe("Median time to acknowledge: P1 1h 12m");
    expect(chartSummary("By team", [])).toBe("By team: no data");
  });
});
