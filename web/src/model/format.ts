// How times, sizes and delivery states read in the message view.
import type { Delivery } from '../sdk';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "14:03" for today, "3 Mar 14:03" this year, "3 Mar 2024 14:03" before (local time). */
export function formatTime(at: number, now: number = Date.now()): string {
  const d = new Date(at);
  const today = new Date(now);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (d.toDateString() === today.toDateString()) return hm;
  const month = d.toLocaleString('en', { month: 'short' });
  const year = d.getFullYear() === today.getFullYear() ? '' : ` ${d.getFullYear()}`;
  return `${d.getDate()} ${month}${year} ${hm}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

export const DELIVERY_LABEL: Readonly<Record<Delivery, string>> = {
  sending: 'sending…',
  acknowledged: 'sent',
  failed: 'not sent',
};

/** "alice is typing…", "alice and bob are typing…", "3 people are typing…": the SDK's wording. */
export { typingText } from '../sdk';

/** Media types shown inline as images (from a blob: URL); anything else is offered as a download. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);

export function isPreviewable(type: string): boolean {
  return PREVIEWABLE.has(type.toLowerCase());
}
