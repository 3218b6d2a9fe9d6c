// The chat: conversations on the left, the open one in the middle, its members on the right
// (when wide enough, or toggled with Ctrl-T), the notice line and the input line below.
import { useEffect, useRef, useState } from 'react';
import { Box, useInput } from 'ink';
import { typingNow, typingText } from '../../../client/node.js';
import { runInput } from '../commands/table.js';
import type { ChatController, ChatScreen } from '../controller.js';
import { keyActions, type KeyAction } from '../keys.js';
import { layoutFor, type Layout } from '../layout.js';
import { edit, EMPTY_LINE, entered, lineText, type LineEditor } from '../line-editor.js';
import { AT_BOTTOM, paneView, type ScrollPosition } from '../pane.js';
import { InputLine } from './InputLine.js';
import { Members } from './Members.js';
import { MessagePane } from './MessagePane.js';
import { NoticeLine } from './NoticeLine.js';
import { Panel, panelLines } from './Panel.js';
import { ScreenText } from './ScreenText.js';
import { Sidebar } from './Sidebar.js';

export interface MainScreenProps {
  controller: ChatController;
  screen: ChatScreen;
  columns: number;
  rows: number;
}

/** What the screen keeps for itself between keys. */
interface View {
  editor: LineEditor;
  /** Where each conversation is scrolled to, by its key. */
  scroll: Readonly<Record<string, ScrollPosition>>;
  /** Toggled with Ctrl-T; undefined: shown when the terminal is wide enough. */
  members: boolean | undefined;
  panelScroll: number;
}

export function MainScreen({ controller, screen, columns, rows }: MainScreenProps) {
  const [view, setView] = useState<View>({ editor: EMPTY_LINE, scroll: {}, members: undefined, panelScroll: 0 });
  // Keys that come in one chunk are applied one after the other before the next render.
  const latest = useRef(view);
  latest.current = view;
  const layout = layoutFor(columns, rows, view.members);
  const chat = screen.chat;
  const conv = chat.active === undefined ? undefined : chat.conversations[chat.active];
  const scroll = conv ? (view.scroll[conv.key] ?? AT_BOTTOM) : AT_BOTTOM;
  const pane = conv ? paneView(conv, layout.pane, layout.body - 1, scroll, controller.files.numberOf, chat.me) : undefined;

  // The member list is fetched afresh whenever it comes into view.
  const listedRoom = layout.members > 0 && conv?.kind === 'room' ? conv.name : undefined;
  useEffect(() => {
    if (listedRoom !== undefined) void controller.refreshMembers(listedRoom);
  }, [controller, listedRoom]);

  useInput((input, key) => {
    let v = latest.current;
    for (const action of keyActions(input, key)) v = onKey(controller, v, action, layoutFor(columns, rows, v.members));
    latest.current = v;
    setView(v);
  });

  const separator = (h: number) => (
    <Box flexDirection="column" width={1} height={h}>
      {Array.from({ length: h }, (_, i) => (
        <ScreenText key={i}>|</ScreenText>
      ))}
    </Box>
  );
  const prompt = conv ? `[${conv.kind === 'room' ? conv.name : `@${conv.name}`}] ` : '> ';
  return (
    <Box flexDirection="column" width={layout.columns} height={layout.height - 1}>
      <Box flexDirection="row" height={layout.body}>
        {layout.sidebar > 0 && <Sidebar model={chat} width={layout.sidebar} height={layout.body} />}
        {layout.sidebar > 0 && separator(layout.body)}
        {screen.panel ? (
          <Panel panel={screen.panel} width={layout.pane} height={layout.body} scroll={view.panelScroll} />
        ) : (
          <MessagePane conv={conv} lines={pane?.lines ?? []} width={layout.pane} height={layout.body} scroll={pane?.scroll ?? 0} typing={conv ? typingText(typingNow(conv, Date.now())) : ''} />
        )}
        {layout.members > 0 && separator(layout.body)}
        {layout.members > 0 && <Members conv={conv} width={layout.members} height={layout.body} />}
      </Box>
      <NoticeLine notice={screen.notice} width={layout.columns} />
      <InputLine prompt={prompt} editor={view.editor} width={layout.columns} />
    </Box>
  );
}

/** One key on the chat screen: the new view, with whatever the key asks of the controller done. */
function onKey(controller: ChatController, v: View, action: KeyAction, layout: Layout): View {
  const screen = controller.getSnapshot();
  const active = screen.chat.active;
  const page = Math.max(1, layout.body - 2);
  switch (action.type) {
    case 'submit': {
      const line = lineText(v.editor);
      controller.closePanel();
      void runInput(line, controller);
      return { ...v, editor: entered(v.editor), panelScroll: 0, scroll: active === undefined ? v.scroll : { ...v.scroll, [active]: AT_BOTTOM } };
    }
    case 'quit':
      void controller.quit();
      return v;
    case 'end-of-input':
      if (lineText(v.editor) === '') void controller.quit();
      return { ...v, editor: edit(v.editor, { type: 'delete-forward' }) };
    case 'next-conversation':
    case 'previous-conversation':
      controller.step(action.type === 'next-conversation' ? 1 : -1);
      return v;
    case 'open-conversation':
      controller.openNumber(action.number);
      return v;
    case 'page-up':
    case 'page-down':
      return scrolled(controller, v, action.type === 'page-up' ? page : -page, layout);
    case 'toggle-members':
      return { ...v, members: !(layout.members > 0) };
    case 'escape':
      if (screen.panel) controller.closePanel();
      else controller.dismissNotice();
      return { ...v, panelScroll: 0 };
    case 'tab':
      return v;
    default: {
      const editor = edit(v.editor, action);
      if (editor.chars !== v.editor.chars) controller.noteTyping(lineText(editor));
      return { ...v, editor };
    }
  }
}

/** Scrolls the panel, or the open conversation; reaching the top of what is loaded fetches older messages. */
function scrolled(controller: ChatController, v: View, by: number, layout: Layout): View {
  const screen = controller.getSnapshot();
  if (screen.panel) {
    const last = Math.max(0, panelLines(screen.panel, layout.pane).length - (layout.body - 2));
    return { ...v, panelScroll: Math.max(0, Math.min(v.panelScroll - by, last)) };
  }
  const key = screen.chat.active;
  const conv = key === undefined ? undefined : screen.chat.conversations[key];
  if (!conv || key === undefined) return v;
  const current = paneView(conv, layout.pane, layout.body - 1, v.scroll[key] ?? AT_BOTTOM, controller.files.numberOf, screen.chat.me);
  const next = Math.max(0, Math.min(current.scroll + by, current.maxScroll));
  if (by > 0 && next >= current.maxScroll) void controller.loadOlder(key);
  return { ...v, scroll: { ...v.scroll, [key]: { ...current.position, fromBottom: next } } };
}
