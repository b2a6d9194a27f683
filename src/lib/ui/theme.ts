// The colour theme: the system's (prefers-color-scheme) unless the user picked one, which is
// remembered in localStorage and applied as data-theme on <html> before the first paint. Pure.

export type ThemeChoice = 'light' | 'dark';
export const THEME_KEY = 'lrscope-theme';

export function parseTheme(stored: string | null | undefined): ThemeChoice | null {
  return stored === 'light' || stored === 'dark' ? stored : null;
}

/** The theme the page shows: the user's choice, else the system's. */
export function resolveTheme(choice: ThemeChoice | null, systemDark: boolean): ThemeChoice {
  return choice ?? (systemDark ? 'dark' : 'light');
}

/** The toggle flips what is shown; picking what the system already gives goes back to following it. */
export function nextChoice(shown: ThemeChoice, systemDark: boolean): ThemeChoice | null {
  const next: ThemeChoice = shown === 'dark' ? 'light' : 'dark';
  return next === (systemDark ? 'dark' : 'light') ? null : next;
}

/** Runs in <head> before paint, so a remembered theme never flashes the other one. */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_KEY)});if(t==='light'||t==='dark')document.documentElement.dataset.theme=t}catch(e){}`;
