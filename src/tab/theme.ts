// The Teams theme on the board: default, dark or high contrast, as Teams says (and as it changes),
// or as the URL or the browser says outside Teams. Fluent's tokens become CSS variables the
// page's styles and charts use.
import { teamsDarkTheme, teamsHighContrastTheme, teamsLightTheme } from '@fluentui/tokens';
import { setTheme } from '@fluentui/web-components/theme/set-theme.js';

export type ThemeName = 'default' | 'dark' | 'contrast';

const listeners: ((theme: ThemeName) => void)[] = [];

/** Teams' names ("default", "dark", "contrast") and a few a URL might carry. */
export function themeNamed(name: string | null | undefined): ThemeName | undefined {
  if (name === 'dark') return 'dark';
  if (name === 'contrast' || name === 'highContrast') return 'contrast';
  if (name === 'default' || name === 'light') return 'default';
  return undefined;
}

export function initialTheme(): ThemeName {
  const asked = themeNamed(new URLSearchParams(location.search).get('theme'));
  if (asked) return asked;
  if (matchMedia('(forced-colors: active)').matches) return 'contrast';
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'default';
}

export function applyTheme(theme: ThemeName): void {
  setTheme(theme === 'dark' ? teamsDarkTheme : theme === 'contrast' ? teamsHighContrastTheme : teamsLightTheme);
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme === 'default' ? 'light' : 'dark';
  for (const listener of listeners) listener(theme);
}

export function onTheme(listener: (theme: ThemeName) => void): void {
  listeners.push(listener);
}

/** A token's value now, for what cannot read CSS variables (the charts' canvas). */
export function token(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();
}
