'use client';
// Light/dark switch in the nav. Follows the system until pressed; the choice is remembered.
import { useEffect, useState } from 'react';
import { nextChoice, parseTheme, resolveTheme, THEME_KEY, type ThemeChoice } from '@/lib/ui/theme';

const DARK_QUERY = '(prefers-color-scheme: dark)';

/** The theme shown now, kept current when the system or the toggle changes it. */
export function useTheme(): ThemeChoice {
  const [shown, setShown] = useState<ThemeChoice>('light');
  useEffect(() => {
    const media = window.matchMedia(DARK_QUERY);
    const read = () => setShown(resolveTheme(parseTheme(document.documentElement.dataset.theme), media.matches));
    read();
    media.addEventListener('change', read);
    const observer = new MutationObserver(read);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => {
      media.removeEventListener('change', read);
      observer.disconnect();
    };
  }, []);
  return shown;
}

export function ThemeToggle() {
  const shown = useTheme();
  const toggle = () => {
    const choice = nextChoice(shown, window.matchMedia(DARK_QUERY).matches);
    const root = document.documentElement;
    try {
      if (choice) localStorage.setItem(THEME_KEY, choice);
      else localStorage.removeItem(THEME_KEY);
    } catch {
      // Storage refused (private mode): the choice lasts for this page only.
    }
    if (choice) root.dataset.theme = choice;
    else delete root.dataset.theme;
  };
  return (
    <button type="button" className="theme-toggle" onClick={toggle} aria-pressed={shown === 'dark'} data-testid="theme-toggle" title="Switch between light and dark">
      <span aria-hidden="true">{shown === 'dark' ? '☾' : '☀'}</span> Dark
    </button>
  );
}
