// Where things go on a terminal of a given size. The last row stays empty: ink ends its output
// with a line break, and a frame as tall as the terminal would make it clear and redraw the
// whole screen on every change instead of updating the lines that changed.

export interface Layout {
  columns: number;
  /** Rows drawn. */
  height: number;
  /** Rows between the status line and the notice line. */
  body: number;
  /** 0 when the terminal is too narrow for a sidebar. */
  sidebar: number;
  pane: number;
  /** 0 when the member list is hidden. */
  members: number;
}

/** Terminals at least this wide show the member list unless it is toggled off. */
export const MEMBERS_SHOWN_FROM = 110;
const MEMBERS_WIDTH = 18;

/** `members`: true/false when toggled, undefined to decide by width. */
export function layoutFor(columns: number, rows: number, members: boolean | undefined): Layout {
  const cols = Math.max(20, columns);
  const height = Math.max(6, rows - 1);
  const body = height - 3;
  const sidebar = cols >= 60 ? Math.min(24, Math.floor(cols * 0.22)) : 0;
  const showMembers = (members ?? cols >= MEMBERS_SHOWN_FROM) && cols - sidebar >= 50;
  const membersWidth = showMembers ? MEMBERS_WIDTH : 0;
  // One column of separator beside each side column.
  const pane = cols - (sidebar > 0 ? sidebar + 1 : 0) - (membersWidth > 0 ? membersWidth + 1 : 0);
  return { columns: cols, height, body, sidebar, pane, members: membersWidth };
}
