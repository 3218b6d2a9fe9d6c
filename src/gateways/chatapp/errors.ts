import type { ErrorName } from '../../core/errors.js';
import { AppErrorCode } from './codec.js';

/** A request the seed answers with an Error message (code and text of seed §4.b.ii). */
export class AppFault extends Error {
  constructor(readonly code: number, text: string, readonly fatal = false) {
    super(text);
  }
}

/** The ChatApp code of a core error, where the seed has one; 99 (generic) otherwise. */
export function appCode(name: ErrorName): number {
  switch (name) {
    case 'NAME_IN_USE':
    case 'NAME_TAKEN': return AppErrorCode.NAME_IN_USE;
    case 'NO_SUCH_ROOM': return AppErrorCode.NO_SUCH_ROOM;
    case 'ROOM_EXISTS': return AppErrorCode.ROOM_EXISTS;
    case 'NOT_MEMBER': return AppErrorCode.NOT_JOINED;
    case 'EMPTY_MESSAGE': return AppErrorCode.EMPTY;
    case 'MESSAGE_TOO_LONG': return AppErrorCode.DATA_TOO_LONG;
    case 'INVALID_NAME': return AppErrorCode.NAME_TOO_LONG;
    default: return AppErrorCode.GENERIC;
  }
}
