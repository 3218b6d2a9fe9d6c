import { Fragment, type ReactNode } from 'react';
import { parseMarkup, type Inline } from '../sdk';

/**
 * A message's text with its light formatting (src/client/markup.ts). Everything is built as
 * React elements from parsed data, so text is never HTML; a link is only ever http or https and
 * opens in a new tab that cannot reach back into this one.
 */
export function Markup({ text, me }: { text: string; me: string }): ReactNode {
  return parseMarkup(text, me).map((b, i) => {
    if (b.kind === 'code') {
      return (
        <pre key={i} className="code-block">
          <code>{b.text}</code>
        </pre>
      );
    }
    const lines = b.lines.map((l, j) => (
      <Fragment key={j}>
        {j > 0 && <br />}
        <Inlines list={l} />
      </Fragment>
    ));
    return b.kind === 'quote' ? (
      <blockquote key={i}>{lines}</blockquote>
    ) : (
      <p key={i} className="text">
        {lines}
      </p>
    );
  });
}

function Inlines({ list }: { list: Inline[] }): ReactNode {
  return list.map((i, k) => {
    switch (i.kind) {
      case 'text':
        return <Fragment key={k}>{i.text}</Fragment>;
      case 'bold':
        return (
          <strong key={k}>
            <Inlines list={i.children} />
          </strong>
        );
      case 'italic':
        return (
          <em key={k}>
            <Inlines list={i.children} />
          </em>
        );
      case 'code':
        return <code key={k}>{i.text}</code>;
      case 'link':
        return (
          <a key={k} href={i.href} target="_blank" rel="noopener noreferrer">
            {i.text}
          </a>
        );
      case 'mention':
        return (
          <span key={k} className={i.me ? 'mention me' : 'mention'}>
            @{i.name}
          </span>
        );
    }
  });
}
