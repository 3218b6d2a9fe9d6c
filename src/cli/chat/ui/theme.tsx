// Colour is decoration only: everything it marks is also said in words or signs, and with
// NO_COLOR set (https://no-color.org) none is used at all.
import { createContext, useContext } from 'react';

export interface Theme {
  /** Colour names for ink's <Text color>, or undefined for none. */
  error?: string;
  info?: string;
  own?: string;
  accent?: string;
}

export const COLOURED: Theme = { error: 'red', info: 'cyan', own: 'green', accent: 'yellow' };
export const PLAIN: Theme = {};

/** NO_COLOR set to anything but '' turns colour off. */
export function themeFor(env: Readonly<Record<string, string | undefined>>): Theme {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '' ? PLAIN : COLOURED;
}

export const ThemeContext = createContext<Theme>(COLOURED);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
