// What the page keeps in sessionStorage (this tab, this origin only): the resume token, the
// highest message id seen, and unsent drafts. Never the password; nothing in the URL.
const SESSION_KEY = 'confab.session';
const DRAFTS_KEY = 'confab.drafts';

export interface StoredSession {
  token: string;
  since: number;
  /** Rooms shown: a guest's rooms end with its connection, so a reload joins them again. */
  rooms?: string[];
}

export class PageStore {
  constructor(private readonly storage: Storage | undefined) {}

  session(): StoredSession | undefined {
    const v = this.read(SESSION_KEY);
    if (!v || typeof v !== 'object') return undefined;
    const { token, since, rooms } = v as Partial<StoredSession>;
    if (typeof token !== 'string' || token === '') return undefined;
    return {
      token,
      since: typeof since === 'number' ? since : 0,
      rooms: Array.isArray(rooms) ? rooms.filter((r): r is string => typeof r === 'string') : [],
    };
  }

  saveSession(s: StoredSession): void {
    this.write(SESSION_KEY, s);
  }

  clearSession(): void {
    this.storage?.removeItem(SESSION_KEY);
  }

  drafts(): Record<string, string> {
    const v = this.read(DRAFTS_KEY);
    const out: Record<string, string> = {};
    if (v && typeof v === 'object') for (const [k, d] of Object.entries(v)) if (typeof d === 'string') out[k] = d;
    return out;
  }

  saveDrafts(drafts: Readonly<Record<string, string>>): void {
    this.write(DRAFTS_KEY, drafts);
  }

  clearDrafts(): void {
    this.storage?.removeItem(DRAFTS_KEY);
  }

  private read(key: string): unknown {
    try {
      const raw = this.storage?.getItem(key);
      return raw ? (JSON.parse(raw) as unknown) : undefined;
    } catch {
      return undefined;
    }
  }

  private write(key: string, value: unknown): void {
    try {
      this.storage?.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the page still works, it just forgets on reload.
    }
  }
}
