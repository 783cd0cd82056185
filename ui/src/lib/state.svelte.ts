// The app's shared state: who is signed in, the SOP glossary, the queue
// counts, what is selected and the alert settings. Components read it; only
// the functions here change it, each through the backend or its events.

import { backend } from "./backend";
import type { AlertSettings } from "./bindings/AlertSettings";
import type { Glossary } from "./bindings/Glossary";
import type { Queue } from "./bindings/Queue";
import type { QueueCount } from "./bindings/QueueCount";
import type { User } from "./bindings/User";
import { toastError } from "./toasts.svelte";

const LAST_PROFILE = "escalator.profile";

export const desk = $state({
  user: null as User | null,
  users: [] as User[],
  glossary: null as Glossary | null,
  counts: [] as QueueCount[],
  queue: "mine" as Queue,
  selected: null as string | null,
  /** Bumped after every change, so lists and views reload. */
  revision: 0,
  /** Pause, snooze and autostart, as the backend last announced them. */
  alerts: null as AlertSettings | null,
  ready: false,
  /** Why the database could not be opened; the app shows only this then. */
  problem: null as null | { message: string; path: string },
});

/** How often an idle desk picks up changes made elsewhere (the CLI, another window). */
const REFRESH_MS = 30_000;

export async function start() {
  window.addEventListener("focus", () => void changed());
  setInterval(() => void changed(), REFRESH_MS);
  backend
    .onDeskEvents({
      slaChanged: () => void changed(),
      openTicket: (key) => void openTicket(key),
      alertsChanged: (settings) => (desk.alerts = settings),
    })
    .catch(toastError);
  try {
    const info = await backend.appInfo();
    if (info.problem !== null) {
      desk.problem = { message: info.problem, path: info.database_path };
      return;
    }
    const [glossary, users] = await Promise.all([backend.glossary(), backend.listUsers()]);
    desk.glossary = glossary;
    desk.users = users;
    const last = localStorage.getItem(LAST_PROFILE);
    const user = users.find((u) => u.handle === last && u.active);
    if (user) await signIn(user.handle);
  } catch (error) {
    toastError(error);
  } finally {
    desk.ready = true;
  }
}

export async function signIn(handle: string) {
  const user = await backend.signIn(handle);
  desk.user = user;
  desk.selected = null;
  desk.queue = user.role === "l1" ? "mine" : "waiting_on_me";
  localStorage.setItem(LAST_PROFILE, user.handle);
  await changed();
}

export function signOut() {
  desk.user = null;
  desk.selected = null;
  localStorage.removeItem(LAST_PROFILE);
}

/** Shows a ticket, as a click on its notification or in the tray asks. */
export async function openTicket(key: string) {
  if (!desk.user) return;
  desk.selected = key;
  await changed();
}

/** Something changed on the desk: reload counts and let views refetch. */
export async function changed() {
  if (desk.problem) return;
  desk.revision++;
  try {
    desk.users = await backend.listUsers();
    if (desk.user) desk.counts = await backend.queueCounts();
  } catch (error) {
    toastError(error);
  }
}

export function label<T extends string>(terms: { code: T; label: string }[] | undefined, code: T | null): string {
  if (code === null) return "—";
  return terms?.find((t) => t.code === code)?.label ?? code;
}

export function userName(id: string | null): string {
  if (id === null) return "—";
  return desk.users.find((u) => u.id === id)?.display_name ?? "Unknown user";
}
