// The sidebar as lines: rooms, then direct conversations, each with its Alt-number and unread
// count; then the users waiting for an answer to a consent request. Pure.
import { sidebarOf, type ChatModel } from '../../client/conversations.js';
import { fit, textWidth } from './text-width.js';

export interface SidebarLine {
  text: string;
  kind: 'heading' | 'conversation' | 'request';
  active: boolean;
  unread: number;
}

export function sidebarLines(model: ChatModel, width: number): SidebarLine[] {
  const { rooms, dms } = sidebarOf(model);
  const out: SidebarLine[] = [];
  let n = 0;
  const section = (title: string, list: typeof rooms): void => {
    out.push({ text: fit(title, width), kind: 'heading', active: false, unread: 0 });
    if (list.length === 0) out.push({ text: fit('  (none)', width), kind: 'heading', active: false, unread: 0 });
    for (const c of list) {
      n++;
      const active = c.key === model.active;
      // '>' marks the open conversation; the number is its Alt key.
      const head = `${active ? '>' : ' '}${n <= 9 ? n : ' '} `;
      // The server counts to 999 (docs/protocol.md §7.15); mentions of one's @name are told apart.
      const mentioned = c.mentions > 0 ? `, @${c.mentions > 999 ? '999+' : c.mentions}` : '';
      const count = c.unread > 0 ? ` (${c.unread >= 999 ? '999+' : c.unread}${mentioned})` : '';
      const name = fit(c.name, Math.max(1, width - textWidth(head) - textWidth(count)));
      out.push({ text: fit(`${head}${name.trimEnd()}${count}`, width), kind: 'conversation', active, unread: c.unread });
    }
  };
  section('Rooms', rooms);
  section('Direct', dms);
  if (model.consentRequests.length > 0) {
    out.push({ text: fit('Requests', width), kind: 'heading', active: false, unread: 0 });
    for (const r of model.consentRequests) out.push({ text: fit(`  ? ${r.user}`, width), kind: 'request', active: false, unread: 0 });
  }
  return out;
}
