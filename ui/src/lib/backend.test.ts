import { beforeAll, describe, expect, it } from "vitest";

// @tauri-apps/api's mocks install themselves on `window`.
beforeAll(() => {
  (globalThis as unknown as { window: unknown }).window = globalThis;
});

describe("the IPC seam", () => {
  it("passes arguments through and returns the backend's answer", async () => {
    const { mockIPC, clearMocks } = await import("@tauri-apps/api/mocks");
    const { backend } = await import("./backend");
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      return { kind: "validation", message: "refused", violations: [] };
    });
    await backend.signIn("ana");
    expect(calls).toEqual([["sign_in", { handle: "ana" }]]);
    clearMocks();
  });

  it("turns every rejection into the one error shape", async () => {
    const { mockIPC, clearMocks } = await import("@tauri-apps/api/mocks");
    const { backend, BackendError } = await import("./backend");
    const refusal = { kind: "validation", message: "refused", violations: [{ rule: "SOP-6.2-logs", clause: "§6 Step 2", field: "attachments", message: "Attach" }] };
    mockIPC(() => {
      throw refusal;
    });
    const error = await backend.execute("ESC-1", { type: "acknowledge" }, 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as InstanceType<typeof BackendError>).kind).toBe("validation");
    expect((error as InstanceType<typeof BackendError>).violations[0]?.rule).toBe("SOP-6.2-logs");

    mockIPC(() => {
      throw "invalid args `command` for command `execute_command`";
    });
    const bug = await backend.getTicket("ESC-1").catch((e: unknown) => e);
    expect((bug as InstanceType<typeof BackendError>).kind).toBe("internal");
    clearMocks();
  });

  it("passes the SLA and alert settings' arguments as the commands name them", async () => {
    const { mockIPC, clearMocks } = await import("@tauri-apps/api/mocks");
    const { backend } = await import("./backend");
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      return null;
    });
    const settings = { policies: [], warnings: ["75%"], calendars: [] };
    await backend.saveSlaSettings(settings);
    await backend.importHolidays("berlin", "/tmp/holidays.ics");
    await backend.snoozeAlerts(15);
    await backend.setNotificationsPaused(true);
    await backend.setAutostart(false);
    expect(calls).toEqual([
      ["save_sla_settings", { settings }],
      ["import_holidays", { calendar: "berlin", path: "/tmp/holidays.ics" }],
      ["snooze_alerts", { minutes: 15 }],
      ["set_notifications_paused", { paused: true }],
      ["set_autostart", { enabled: false }],
    ]);
    clearMocks();
  });

  it("passes the customer message commands' arguments in camelCase", async () => {
    const { mockIPC, clearMocks } = await import("@tauri-apps/api/mocks");
    const { backend } = await import("./backend");
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      return null;
    });
    const templates = [{ kind: "closure" as const, subject: "Closed", body: "Hello {contact}" }];
    await backend.checkCustomerMessage("ESC-1", "Hello");
    await backend.draftCustomerMessage("ESC-1", "progress_update", "Europe/Paris");
    await backend.draftCustomerMessage("ESC-1", "closure", null);
    await backend.sendCustomerMessage("ESC-1", "mail_client", "ops@acme.example", "Update", "Hello", "The customer asked for the log");
    await backend.sendCustomerEmail("ESC-1", { to: ["ops@acme.example"], subject: "Update", body: "Hello", leak_override: null });
    await backend.customerMail();
    await backend.templates();
    await backend.saveTemplates(templates);
    expect(calls).toEqual([
      ["check_customer_message", { ticket: "ESC-1", text: "Hello" }],
      ["draft_customer_message", { ticket: "ESC-1", kind: "progress_update", timeZone: "Europe/Paris" }],
      ["draft_customer_message", { ticket: "ESC-1", kind: "closure", timeZone: null }],
      ["send_customer_message", { ticket: "ESC-1", channel: "mail_client", to: "ops@acme.example", subject: "Update", body: "Hello", leakOverride: "The customer asked for the log" }],
      ["send_customer_email", { ticket: "ESC-1", email: { to: ["ops@acme.example"], subject: "Update", body: "Hello", leak_override: null } }],
      ["get_customer_mail", {}],
      ["get_templates", {}],
      ["save_templates", { templates }],
    ]);
    clearMocks();
  });

  it("hands the backend's events to the desk", async () => {
    const { mockIPC, clearMocks } = await import("@tauri-apps/api/mocks");
    const { emit } = await import("@tauri-apps/api/event");
    const { backend } = await import("./backend");
    mockIPC(() => null, { shouldMockEvents: true });
    const seen: unknown[] = [];
    const stop = await backend.onDeskEvents({
      slaChanged: () => seen.push("sla"),
      openTicket: (key) => seen.push(key),
      alertsChanged: (settings) => seen.push(settings.paused),
    });
    await emit("sla-changed");
    await emit("open-ticket", "ESC-12");
    await emit("alerts-changed", { paused: true, snoozed_until: null, autostart: false, monitoring: true });
    expect(seen).toEqual(["sla", "ESC-12", true]);
    stop();
    await emit("open-ticket", "ESC-13");
    expect(seen).toHaveLength(3);
    clearMocks();
  });

  it("asks for the monthly review and saves it with camelCase arguments", async () => {
    const { mockIPC, clearMocks } = await import("@tauri-apps/api/mocks");
    const { backend } = await import("./backend");
    const calls: Array<[string, unknown]> = [];
    mockIPC((command, args) => {
      calls.push([command, args]);
      return null;
    });
    await backend.monthlyReport("2026-03");
    await backend.saveMonthlyReport("2026-03", "csv", "/tmp/escalation-review-2026-03.csv");
    expect(calls).toEqual([
      ["get_monthly_report", { month: "2026-03" }],
      ["save_monthly_report", { month: "2026-03", format: "csv", path: "/tmp/escalation-review-2026-03.csv" }],
    ]);
    clearMocks();
  });
});
