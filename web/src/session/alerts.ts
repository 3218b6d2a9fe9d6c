// Desktop notifications: a direct message, or a mention of the user in a room, that arrives
// while the page is hidden. Only with the user's permission, asked for by a button (browsers
// ignore a request that no click made). One notification per conversation at a time: a newer
// one replaces it (its tag), so a busy room cannot bury the screen.
import { conversationsOf, displayKey, mentions, type IncomingMessage } from '../sdk';

/** Older than this when it arrives, a message is a replay after a reconnect, not news. */
const FRESH_MS = 60_000;
const PREVIEW_CHARS = 140;

export type AlertPermission = NotificationPermission | 'unsupported';

export function alertPermission(): AlertPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function askAlertPermission(): Promise<AlertPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** The notification a message makes for user `me` in a hidden page, if any: its title, body and conversation. */
export function alertOf(m: IncomingMessage, me: string, now: number): { title: string; body: string; key: string } | undefined {
  if (me === '' || displayKey(m.from) === displayKey(me) || now - m.at > FRESH_MS) return undefined;
  const refs = conversationsOf(m.from, m.to, me);
  const dm = refs.find((r) => r.kind === 'dm' && m.to.some((t) => displayKey(t) === displayKey(me)));
  const body = m.text.length > PREVIEW_CHARS ? `${m.text.slice(0, PREVIEW_CHARS)}…` : m.text || '(a file)';
  if (dm) return { title: dm.targets.length > 1 ? `${m.from} in ${dm.name}` : m.from, body, key: dm.key };
  if (!mentions(m.text, me)) return undefined;
  const room = refs.find((r) => r.kind === 'room');
  return room ? { title: `${m.from} in ${room.name}`, body, key: room.key } : undefined;
}

/** Shows the notification of a message that arrived while the page is hidden; a click opens its conversation. */
export function alertFor(m: IncomingMessage, me: string, open: (key: string) => void): void {
  if (alertPermission() !== 'granted' || !document.hidden) return;
  const alert = alertOf(m, me, Date.now());
  if (!alert) return;
  const n = new Notification(alert.title, { body: alert.body, tag: alert.key });
  n.onclick = () => {
    window.focus();
    open(alert.key);
    n.close();
  };
}
