// The CP state machine (seed 002 "DFA"; docs/cp.md §7). PDUs are handled one at a time, so the
// three working states (Authentication Validated, Sending Message, Receiving Message) last only
// while the core works on one PDU; every PDU is read in one of the four resting states. Sending
// Message ends once the message is queued for storage: its 240 follows the commit (§7.4).
import type { CommandName, Fault } from './codec.js';
import { Reply, type ReplyCode } from './replies.js';

export type CpState =
  | 'idle'
  | 'user-validated' //     USER answered 220; PASS expected
  | 'authenticating' //     the seed's "Authentication Validated": PASS being checked
  | 'process-command' //    logged in
  | 'sending' //            the seed's "Sending Message"
  | 'receiving' //          the seed's "Receiving Message"
  | 'error-processing'
  | 'closed';

/** Where each command may be sent; anywhere else it is out of order (500). */
export const ALLOWED: Readonly<Record<CommandName, readonly CpState[]>> = {
  USER: ['idle'],
  PASS: ['user-validated'],
  SMSG: ['process-command'],
  RMSG: ['process-command'],
  TERM: ['idle', 'user-validated', 'process-command', 'error-processing'],
};

export function allowedIn(command: CommandName, state: CpState): boolean {
  return ALLOWED[command].includes(state);
}

export interface Outcome {
  code: ReplyCode;
  /** Added to the code's text; never for 560 and 565, whose text must not vary. */
  detail?: string;
  /** The state afterwards; unchanged when absent. */
  next?: CpState;
}

/** The answer to a PDU that does not parse, in the state it arrives in. */
export function faultOutcome(state: CpState, command: CommandName | undefined, fault: Fault, detail: string): Outcome {
  if (fault === 'too-long' || command === undefined) return { code: Reply.BAD_COMMAND, detail };
  if (!allowedIn(command, state)) return { code: Reply.BAD_COMMAND, detail: `${command} out of order` };
  switch (command) {
    case 'USER':
      return fault === 'colon' ? { code: Reply.TOO_MANY_COLONS, next: 'idle' } : { code: Reply.USER_FAILED, next: 'idle' };
    case 'PASS':
      return { code: Reply.AUTH_FAILED, next: 'idle' };
    default:
      return { code: Reply.BAD_COMMAND, detail };
  }
}

/** The answer when a PDU begun in `state` was not ended within the timeout (seed: "timeout before CRLF"). */
export function timeoutOutcome(state: CpState, command: CommandName | undefined): Outcome {
  switch (state) {
    case 'idle':
      return { code: Reply.USER_FAILED, next: 'idle' };
    case 'user-validated':
      return { code: Reply.AUTH_FAILED, next: 'idle' };
    case 'process-command':
      return command === 'RMSG'
        ? { code: Reply.DOWNLOAD_FAILED, detail: 'PDU not ended in time', next: 'error-processing' }
        : { code: Reply.SEND_FAILED, detail: 'PDU not ended in time', next: 'error-processing' };
    default:
      return { code: Reply.BAD_COMMAND, detail: 'PDU not ended in time' };
  }
}
