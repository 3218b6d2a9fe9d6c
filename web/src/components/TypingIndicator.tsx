import { useEffect, useState } from 'react';
import { typingNow, type Conversation } from '../sdk';
import { typingText } from '../model/format';

export function TypingIndicator({ conv }: { conv: Conversation }) {
  const [now, setNow] = useState(() => Date.now());
  // The clock, not `now`: a notice that arrives after a long quiet must not revive old ones.
  const names = typingNow(conv, Math.max(now, Date.now()));
  useEffect(() => {
    // Render again when the next notice runs out, so it fades on time.
    const t = Date.now();
    const next = Math.min(...Object.values(conv.typing).map((e) => e.until).filter((u) => u > t));
    if (!Number.isFinite(next)) return;
    const timer = setTimeout(() => setNow(Date.now()), next - t + 20);
    return () => clearTimeout(timer);
  }, [conv.typing, now]);
  return (
    <p className="typing" aria-live="polite" data-testid="typing">
      {typingText(names)}
    </p>
  );
}
