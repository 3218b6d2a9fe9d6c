import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import type { Ranks } from './ranks.js';
import type { Session } from './session.js';
import type { AuditAction, AuditRecord, NameKey } from './types.js';

/** A page of the audit log holds at most this many records. */
export const AUDIT_PAGE = 200;

/**
 * The audit log of moderation actions (docs/protocol.md §7.18): written where each action is
 * decided, read by server admins only. Blocking is a user's private matter and is not in it.
 */
export class Audit {
  constructor(private readonly ctx: NodeContext, private readonly ranks: Ranks) {}

  record(actor: Session, action: AuditAction, room: NameKey, target: string, detail: string): Promise<void> {
    // An operator by another account's password is named with that account: both are accountable.
    const name = actor.operator && actor.operator.key !== actor.key ? `${actor.name} (as ${actor.operator.name})` : actor.name;
    return this.ctx.store.appendAudit({ at: this.ctx.now(), actor: name, action, room, target, detail });
  }

  /** Newest first, older than `before` (0: from the newest); NOT_OPERATOR for anyone but an admin. */
  async page(session: Session, room: NameKey | undefined, before: number, limit: number): Promise<AuditRecord[]> {
    if (!(await this.ranks.isAdminSession(session))) throw new ChatError('NOT_OPERATOR', 'only a server admin may read the audit log');
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_PAGE) throw new ChatError('BAD_REQUEST', `limit must be 1..${AUDIT_PAGE}`);
    if (!Number.isSafeInteger(before) || before < 0) throw new ChatError('BAD_REQUEST', 'before must be a record id or 0');
    return this.ctx.store.auditLog({ room, before, limit });
  }
}
