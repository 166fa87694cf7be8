import { useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { PASSWORD_MIN_LENGTH } from '../features/setup/token';
import { useI18n } from '../i18n/context';

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  /** Under the input, e.g. a live length count. */
  after?: ReactNode;
}

/** A labelled input with its hint and its error, tied together for assistive technology. */
export function FormField({ id, label, hint, error, after, required, ...input }: Props) {
  const { t } = useI18n();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`} data-testid={`field-${id}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="muted"> {t('form.requiredMark')}</span> : null}
      </label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error" data-testid={`field-${id}-error`}>
          <span className="visually-hidden">{t('form.errorPrefix')} </span>
          {error}
        </p>
      )}
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
        aria-required={required || undefined}
        {...input}
      />
      {after}
    </div>
  );
}

/** A password input with a "show password" toggle (aria-pressed) and a length count. */
export function PasswordField({
  minLength,
  value,
  ...props
}: Omit<Props, 'type' | 'after' | 'value'> & { value: string; minLength: number }) {
  const { t } = useI18n();
  const [visible, setVisible] = useState(false);
  const length = [...value].length;
  return (
    <FormField
      {...props}
      value={value}
      type={visible ? 'text' : 'password'}
      autoComplete="new-password"
      spellCheck={false}
      autoCapitalize="off"
      after={
        <div className="password-tools">
          <button
            type="button"
            className="button button-secondary button-small"
            aria-pressed={visible}
            aria-controls={props.id}
            onClick={() => setVisible((v) => !v)}
            data-testid={`${props.id}-toggle`}
          >
            {t('password.show')}
          </button>
          <span
            className={length >= minLength ? 'password-length password-length-ok' : 'password-length'}
            data-testid={`${props.id}-length`}
          >
            {length >= minLength ? '✓ ' : ''}
            {t('password.length', { count: length, min: minLength })}
          </span>
        </div>
      }
    />
  );
}

/** A new password under the policy: the policy's hint and minimum length come with it. */
export function NewPasswordField(props: Omit<Parameters<typeof PasswordField>[0], 'hint' | 'minLength'>) {
  const { t } = useI18n();
  return <PasswordField {...props} hint={t('setup.field.passwordHint', { min: PASSWORD_MIN_LENGTH })} minLength={PASSWORD_MIN_LENGTH} />;
}

/** A second-factor code: a numeric keyboard, and the code the device offers. */
export function TotpCodeField(props: Omit<Props, 'label' | 'inputMode' | 'autoComplete'>) {
  const { t } = useI18n();
  return <FormField label={t('login.totp')} inputMode="numeric" autoComplete="one-time-code" {...props} />;
}

/** A form's message of its own (not tied to one field), announced when it appears. */
export function FormError({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <p className="field-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}
