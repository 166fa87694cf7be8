import { useId } from 'react';
import { useI18n } from '../i18n/context';
import { LOCALE_NAMES, LOCALES, matchLocale } from '../i18n/translate';

/** Picks the interface language; each language is named in itself. */
export function LanguageSwitcher() {
  const { locale, setLocale, t } = useI18n();
  const id = useId();
  return (
    <div className="language-switcher">
      <label htmlFor={id}>{t('language.label')}</label>
      <select
        id={id}
        value={locale}
        data-testid="language-switcher"
        onChange={(e) => {
          const next = matchLocale(e.target.value);
          if (next) setLocale(next);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
