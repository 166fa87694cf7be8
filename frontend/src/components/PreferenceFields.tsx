import { useId, useMemo } from 'react';
import { useI18n } from '../i18n/context';
import { LOCALE_NAMES, LOCALES } from '../i18n/translate';
import { countryOptions, timeZoneOptions, type Option } from '../lib/pickers';

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

/** A person's language and time zone (R4): a select of the interface languages and one of the time zones. */
export function PreferenceFields({ prefix, language, timeZone, onLanguage, onTimeZone, errors }: Props) {
  const id = useId();
  return (
    <>
      <LanguageField id={`${id}-language`} value={language} onChange={onLanguage} error={errors['language']} testId={`${prefix}-language`} />
      <TimeZoneField id={`${prefix}-timeZone`} value={timeZone} onChange={onTimeZone} error={errors['timeZone']} testId={`${prefix}-timeZone`} />
    </>
  );
}

/** A labelled select, its error above it. */
function SelectField({
  id,
  label,
  value,
  options,
  onChange,
  error,
  testId,
}: {
  id: string;
  label: string;
  value: string;
  options: readonly Option[];
  onChange: (value: string) => void;
  error?: string | undefined;
  testId?: string | undefined;
}) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={error ? `${id}-error` : undefined} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The IANA time zones the browser knows (R4), the current one always among them. */
export function TimeZoneField(props: { id: string; value: string; onChange: (tz: string) => void; error?: string | undefined; testId?: string }) {
  const { t } = useI18n();
  const options = useMemo(() => timeZoneOptions(props.value), [props.value]);
  return <SelectField {...props} label={t('profile.timeZone')} options={options} />;
}

/** The countries by name in the interface language (the value is the ISO code). */
export function CountryField(props: { id: string; label: string; value: string; onChange: (code: string) => void; error?: string | undefined; testId?: string }) {
  const { locale } = useI18n();
  const options = useMemo(() => countryOptions(locale, props.value), [locale, props.value]);
  return <SelectField {...props} options={options} />;
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
