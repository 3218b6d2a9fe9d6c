import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { ConsentThrottle, type ConsentLimits } from './consent-throttle.js';
import type { Session } from './session.js';
import { nickOfGuestKey } from './names.js';
import type { DmPolicy, NameKey } from './types.js';

/**
 * DM consent (docs/protocol.md §7.4, §13.10): a user whose policy is 'consent' receives direct
 * messages only from people with whom consent exists, i.e. one of the two accepted a request the
 * other made. Seed 003's private connection maps here, so every gateway goes through these rules:
 *
 * - only a request that was made can be answered (NO_CONSENT_REQUEST otherwise, nothing recorded),
 *   so nobody can grant themselves consent by "accepting" a request that never existed;
 * - a refusal sticks: the refused user's new requests are turned away (CONSENT_REFUSED) without
 *   reaching the refuser, until the refuser accepts after all (the unblock);
 * - requests are rate-limited per asker, and a repeat to the same user is throttled (RATE_LIMITED).
 */
export class Consents {
  private readonly throttle: ConsentThrottle;

  constructor(private readonly ctx: NodeContext, limits: ConsentLimits) {
    this.throttle = new ConsentThrottle(limits);
  }

  /** Throws unless `session` may DM `to`. The first refused attempt sends the request for the sender. */
  async checkDm(session: Session, to: NameKey, toName: string, toRequiresConsent: boolean): Promise<void> {
    // A block is told as a refusal: the blocked user learns no more than that (§7.4.1).
    if (await this.blocks(to, session)) throw new ChatError('CONSENT_REFUSED', `${toName} declined direct messages from you`);
    if (!toRequiresConsent) return;
    if (await this.allowed(session.key, to)) return;
    const state = await this.ctx.store.getConsent(to, session.key);
    if (state === 'refused') throw new ChatError('CONSENT_REFUSED', `${toName} declined direct messages from you`);
    if (state === undefined) await this.ask(session, to);
    throw new ChatError('CONSENT_REQUIRED', `${toName} accepts direct messages after consent; a request was sent`);
  }

  /** May `session` send a DM to `to` right now (not blocked, its policy, and consent if it asks for it)? */
  async mayMessage(session: Session, to: NameKey): Promise<boolean> {
    if (await this.blocks(to, session)) return false;
    const from = session.key;
    const policy = to.startsWith('~') ? await this.guestPolicy(to) : (await this.ctx.store.getAccount(to))?.dmPolicy;
    if (policy !== 'consent') return true;
    return this.allowed(from, to);
  }

  /**
   * Whether `to` blocks the user of `session`, under its name or under any name this session had
   * before (a guest that renamed, §7.1.1): a block is against whoever was blocked, so a new
   * nickname does not lift it. (Consent, given to a name, does not follow a rename.)
   */
  private async blocks(to: NameKey, session: Session): Promise<boolean> {
    if (await this.ctx.store.isBlocked(to, session.key)) return true;
    for (const earlier of session.retired) if (await this.ctx.store.isBlocked(to, earlier)) return true;
    return false;
  }

  /** A live guest's policy (kept with its sessions, and with its nickname for the other nodes); undefined when it is gone. */
  private async guestPolicy(key: NameKey): Promise<DmPolicy | undefined> {
    for (const s of this.ctx.delivery.sessionsOf(key) ?? []) return s.guestDmPolicy;
    const holder = await this.ctx.presence.nickHolder(nickOfGuestKey(key));
    return holder?.key === key ? (holder.consent ? 'consent' : 'open') : undefined;
  }

  /** Consent exists between the two: either accepted a request of the other. */
  async allowed(from: NameKey, to: NameKey): Promise<boolean> {
    return (await this.ctx.store.getConsent(to, from)) === 'accepted' || (await this.ctx.store.getConsent(from, to)) === 'accepted';
  }

  /**
   * `session` asks `to` for consent. Nothing to do when consent exists. A refused asker is turned
   * away (the refusal stands, `to` hears nothing); a pending request may be repeated, to reach a
   * user who missed it, but not sooner than the repeat interval.
   */
  async request(session: Session, to: NameKey, toName: string): Promise<void> {
    if (await this.blocks(to, session)) throw new ChatError('CONSENT_REFUSED', `${toName} declined direct messages from you`);
    if (await this.allowed(session.key, to)) return;
    const state = await this.ctx.store.getConsent(to, session.key);
    if (state === 'refused') throw new ChatError('CONSENT_REFUSED', `${toName} declined direct messages from you`);
    if (state === 'pending' && !this.throttle.repeatAllowed(session.key, to, this.ctx.now())) {
      throw new ChatError('RATE_LIMITED', `you asked ${toName} a moment ago; wait before asking again`);
    }
    await this.ask(session, to, state === 'pending');
  }

  /**
   * `session` answers the request of `from`. Only a request that was made has an answer; a later
   * answer replaces an earlier one (accepting a refused user lifts the refusal, refusing withdraws
   * consent given). An answer that changes nothing notifies nobody.
   */
  async answer(session: Session, from: NameKey, fromName: string, accept: boolean): Promise<void> {
    const state = await this.ctx.store.getConsent(session.key, from);
    if (state === undefined) throw new ChatError('NO_CONSENT_REQUEST', `${fromName} has not asked you for consent`);
    const next = accept ? 'accepted' : 'refused';
    if (state === next) return;
    await this.ctx.store.setConsent(session.key, from, next);
    this.ctx.delivery.deliver({ kind: 'consent', from: session.name, accept }, [], [from]);
  }

  /** Records the request (unless it is a repeat) and notifies `to`; takes from the asker's budget. */
  private async ask(session: Session, to: NameKey, repeat = false): Promise<void> {
    const now = this.ctx.now();
    if (!this.throttle.take(session.key, now)) throw new ChatError('RATE_LIMITED', 'too many consent requests; slow down');
    if (!repeat) await this.ctx.store.setConsent(to, session.key, 'pending');
    this.throttle.asked(session.key, to, now);
    this.ctx.delivery.deliver({ kind: 'consent-ask', from: session.name }, [], [to]);
  }
}
