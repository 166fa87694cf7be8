import { createContext, useContext } from 'react';
import type { Locale, Translate } from './translate';

export interface I18n {
  locale: Locale;
  /** Changes the language and remembers it as the user's choice. */
  setLocale(locale: Locale): void;
  t: Translate;
}

export const I18nContext = createContext<I18n | null>(null);

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n must be used inside <I18nProvider>');
  return i18n;
}
