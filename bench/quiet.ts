// On a shared machine other work steals the cores the server and the load generator need. Before
// a peer is measured, this waits (bounded) for a second in which the machine is nearly idle.
import { machineBusyMicros } from './proc.js';

const SAMPLE_MS = 1_000;
/** Busy time of all cores together, as percent of one core, below which the machine is quiet. */
export const QUIET_PERCENT = 15;

export interface QuietOutcome {
  quiet: boolean;
  waitedSeconds: number;
  /** Machine busy percent (of one core) in the last sample. */
  busyPercent: number;
}

export async function waitForQuiet(maxSeconds: number): Promise<QuietOutcome> {
  const start = Date.now();
  for (;;) {
    const before = machineBusyMicros();
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    const busyPercent = Math.round(((machineBusyMicros() - before) / 1000 / SAMPLE_MS) * 100);
    const waitedSeconds = (Date.now() - start) / 1000;
    if (busyPercent < QUIET_PERCENT) return { quiet: true, waitedSeconds, busyPercent };
    if (waitedSeconds >= maxSeconds) return { quiet: false, waitedSeconds, busyPercent };
  }
}
