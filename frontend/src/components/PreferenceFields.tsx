import { useId } from 'react';
import { useI18n } from '../i18n/context';
import { LOCALE_NAMES, LOCALES } from '../i18n/translate';
import { FormField } from './FormField';

interface Props {
  /** `identity` or `preferences`: names the test ids and the time zone input's id. */
  prefix: string;
  language: string;
  timeZone: string;
  onLanguage: (language: string) => void;
  onTimeZone: (timeZone: string) => void;
  /** Messages per field (`language`, `timeZone`). */
  errors: Record<string, string>;
}

/** A person's language and time zone (R4): a select of the interface languages and a time zone input. */
export function PreferenceFields({ prefix, language, timeZone, onLanguage, onTimeZone, errors }: Props) {
  const { t } = useI18n();
  const id = useId();
  return (
    <>
      <div className={`field${errors['language'] ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-language`}>{t('profile.language')}</label>
        {errors['language'] && <p className="field-error">{errors['language']}</p>}
        <select id={`${id}-language`} value={language} onChange={(e) => onLanguage(e.target.value)} data-testid={`${prefix}-language`}>
          {LOCALES.map((l) => (
            <option key={l} value={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>
      </div>
      <FormField
        id={`${prefix}-timeZone`}
        label={t('profile.timeZone')}
        hint={t('identity.timeZoneHint')}
        value={timeZone}
        onChange={(e) => onTimeZone(e.target.value)}
        error={errors['timeZone']}
      />
    </>
  );
}
