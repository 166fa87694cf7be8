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
      <LanguageField id={`${id}-language`} value={language} onChange={onLanguage} error={errors['language']} testId={`${prefix}-language`} />
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

/** A select of the interface languages, labelled, with its error above it. */
export function LanguageField({
  id,
  value,
  onChange,
  error,
  testId,
}: {
  id: string;
  value: string;
  onChange: (language: string) => void;
  error?: string | undefined;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{t('profile.language')}</label>
      {error && <p className="field-error">{error}</p>}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
