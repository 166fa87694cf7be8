import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { catalogs } from './catalogs';
import { I18nContext, type I18n } from './context';
import { createTranslator, DEFAULT_LOCALE, matchLocale, negotiateLocale, type Locale } from './translate';

/** localStorage key of the language the user picked in the switcher. */
export const LOCALE_STORAGE_KEY = 'tenantadmin.locale';

function storedLocale(): Locale | undefined {
  try {
    return matchLocale(window.localStorage.getItem(LOCALE_STORAGE_KEY));
  } catch {
    return undefined; // storage disabled
  }
}

function browserLanguages(): readonly string[] {
  const { languages, language } = window.navigator;
  return languages && languages.length > 0 ? languages : [language];
}

/** The language at start: the user's preference, else the browser's, else Italian. */
export function initialLocale(preferred?: string | null): Locale {
  return negotiateLocale([preferred, storedLocale(), ...browserLanguages()]);
}

interface Props {
  children: ReactNode;
  /**
   * The user's preference from the API (`viewer.language`) once known; it
   * wins over the browser's languages.
   */
  preferred?: string | null;
}

export function I18nProvider({ children, preferred }: Props) {
  const [locale, setLocaleState] = useState<Locale>(() => initialLocale(preferred));

  useEffect(() => {
    const fromApi = matchLocale(preferred);
    if (!fromApi) return;
    setLocaleState(fromApi);
    // Kept for the next start, which then paints in this language at once
    // instead of re-laying out every text when the viewer arrives (issue
    // 19.7: that moved the whole page, CLS).
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, fromApi);
    } catch {
      // storage disabled
    }
  }, [preferred]);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(LOCALE_STORAGE_KEY, next);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }, []);

  const value = useMemo<I18n>(
    () => ({ locale, setLocale, t: createTranslator(catalogs[locale], catalogs[DEFAULT_LOCALE]) }),
    [locale, setLocale],
  );

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
