import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import type { Session } from './session.js';
import type { NameKey } from './types.js';

/**
 * DM consent: a user whose policy is 'consent' receives direct messages only from people whose
 * request they accepted (or whom they asked themselves). Seed 003's private connection maps here.
 */
export class Consents {
  constructor(private readonly ctx: NodeContext) {}

  /** Throws unless `session` may DM `to`. The first refused attempt sends the request for the sender. */
  async checkDm(session: Session, to: NameKey, toName: string, toRequiresConsent: boolean): Promise<void> {
    if (!toRequiresConsent) return;
    if (await this.allowed(session.key, to)) return;
    const state = await this.ctx.store.getConsent(to, session.key);
    if (state === 'refused') throw new ChatError('CONSENT_REFUSED', `${toName} declined direct messages from you`);
    if (state === undefined) await this.request(session, to);
    throw new ChatError('CONSENT_REQUIRED', `${toName} accepts direct messages after consent; a request was sent`);
  }

  async allowed(from: NameKey, to: NameKey): Promise<boolean> {
    return (await this.ctx.store.getConsent(to, from)) === 'accepted' || (await this.ctx.store.getConsent(from, to)) === 'accepted';
  }

  /** `session` asks `to` for consent. Repeated asks while pending notify again (the target may have missed it). */
  async request(session: Session, to: NameKey): Promise<void> {
    const state = await this.ctx.store.getConsent(to, session.key);
    if (state === 'accepted') return;
    await this.ctx.store.setConsent(to, session.key, 'pending');
    this.ctx.broadcast({ kind: 'consent-ask', from: session.name }, [], [to]);
  }

  /** `session` answers the request of `from`. */
  async answer(session: Session, from: NameKey, accept: boolean): Promise<void> {
    await this.ctx.store.setConsent(session.key, from, accept ? 'accepted' : 'refused');
    this.ctx.broadcast({ kind: 'consent', from: session.name, accept }, [], [from]);
  }
}
