import { useId } from 'react';
import { useMutation } from 'urql';
import { UpdateMyPreferencesMutation } from '../features/account/operations';
import { useI18n } from '../i18n/context';
import { LOCALE_NAMES, LOCALES, matchLocale } from '../i18n/translate';
import { useViewerState } from './viewer';

/**
 * Picks the interface language; each language is named in itself. The choice
 * lasts: signed in, it becomes the account's language (`updateMyPreferences`,
 * R4); otherwise it is kept in this browser (localStorage, by setLocale).
 */
export function LanguageSwitcher() {
  const { locale, setLocale, t } = useI18n();
  // While the session is being checked the choice could be neither saved to
  // the account nor kept: the viewer's answer would switch the page back.
  const { viewer, checking } = useViewerState();
  const [, savePreferences] = useMutation(UpdateMyPreferencesMutation);
  const id = useId();
  return (
    <div className="language-switcher">
      <label htmlFor={id}>{t('language.label')}</label>
      <select
        id={id}
        value={locale}
        data-testid="language-switcher"
        disabled={checking}
        onChange={(e) => {
          const next = matchLocale(e.target.value);
          if (!next) return;
          setLocale(next);
          // A service account's viewer has no editable preferences; a failure leaves the local choice.
          // Saved even when it equals the viewer's language as last loaded: a save of
          // another pick may still be in flight, and would otherwise win.
          if (viewer) void savePreferences({ input: { language: next } });
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
