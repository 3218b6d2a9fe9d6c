// Frames as peers of earlier protocol revisions send them (docs/protocol.md §12.3), for the codec tests.
import type { Frame } from '../../../src/protocol/frames.js';
import { bodies } from '../../../src/protocol/schema.js';

/** The frame as peers of each earlier revision send it: cut before each of its trailing fields (§12.3). */
export function earlierRevisions(f: Frame): Frame[] {
  const fields = bodies[f.type] as readonly (readonly [string, { trailing?: true }])[];
  const out: Frame[] = [];
  fields.forEach(([, kind], i) => {
    if (!kind.trailing) return;
    const cut: Record<string, unknown> = { ...f };
    for (const [later] of fields.slice(i)) delete cut[later];
    out.push(cut as unknown as Frame);
  });
  return out;
}
