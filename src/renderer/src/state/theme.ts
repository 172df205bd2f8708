/** Light, dark, or the system's choice; remembered in this browser / app profile. */
import { ref } from 'vue';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const STORAGE_KEY = 'doppel.theme';
const darkQuery = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;

export const theme = ref<Theme>(readStoredTheme());

function readStoredTheme(): Theme {
  const stored = localStorage.getItem(STORAGE_KEY);
  return (THEMES as readonly string[]).includes(stored ?? '') ? (stored as Theme) : 'system';
}

function apply(): void {
  const dark = theme.value === 'dark' || (theme.value === 'system' && (darkQuery?.matches ?? false));
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

/** Sets the page's theme before the first paint, and follows the system while the choice is `system`. */
export function applyStoredTheme(): void {
  apply();
  darkQuery?.addEventListener('change', apply);
}

export function setTheme(next: Theme): void {
  theme.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  apply();
}
