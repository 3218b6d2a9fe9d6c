// The only way text reaches the terminal: ink's <Text>, with every string in it made visible
// first (visible.ts). Names, topics, messages, file names, notices and error texts all come from
// the network, and all of them are drawn through here; the lint configuration forbids ink's Text
// anywhere else in the client, so there is no second path to forget.
import { Children, Fragment, cloneElement, isValidElement, type ReactElement, type ReactNode } from 'react';
import { Text, type TextProps } from 'ink';
import { visible } from '../visible.js';

/** ink's Text properties, less the screen-reader label (text that would go out unfiltered). */
export type ScreenTextProps = Omit<TextProps, 'aria-label'>;

/** Strings made visible; fragments looked into; ScreenText elements filter themselves. */
function filtered(children: ReactNode): ReactNode {
  return Children.map(children, (child): ReactNode => {
    if (typeof child === 'string') return visible(child);
    if (isValidElement<{ children?: ReactNode }>(child) && child.type === Fragment) {
      return cloneElement(child as ReactElement<{ children?: ReactNode }>, undefined, filtered(child.props.children));
    }
    return child;
  });
}

export function ScreenText({ children, ...style }: ScreenTextProps) {
  return <Text {...style}>{filtered(children)}</Text>;
}
