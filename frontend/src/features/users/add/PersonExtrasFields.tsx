import { FormField } from '../../../components/FormField';
import { useI18n } from '../../../i18n/context';

/** The optional details of a new person (issue 16.7) and how they first get in. */
export interface PersonExtras {
  phone: string;
  gender: '' | 'FEMALE' | 'MALE' | 'OTHER';
  birthDate: string;
  /** 'invitation': emailed link (R14); 'password': the administrator chooses it (seed 000). */
  firstAccess: 'invitation' | 'password';
  initialPassword: string;
}

export const emptyExtras: PersonExtras = { phone: '', gender: '', birthDate: '', firstAccess: 'invitation', initialPassword: '' };

/** The createUser input fields for the extras: only those given. */
export function extrasInput(x: PersonExtras): { phone?: string; gender?: 'FEMALE' | 'MALE' | 'OTHER'; birthDate?: string; initialPassword?: string } {
  return {
    ...(x.phone.trim() ? { phone: x.phone.trim() } : {}),
    ...(x.gender ? { gender: x.gender } : {}),
    ...(x.birthDate ? { birthDate: x.birthDate } : {}),
    ...(x.firstAccess === 'password' ? { initialPassword: x.initialPassword } : {}),
  };
}

/** The fields whose userErrors show next to these inputs. */
export const extrasFields = ['phone', 'gender', 'birthDate', 'initialPassword'];

interface Props {
  value: PersonExtras;
  onChange: (value: PersonExtras) => void;
  error: (field: string) => string | undefined;
}

/**
 * Work phone (seeds 000, 004), gender and birth date (seed 003), and the
 * first access: the emailed invitation, or a first password the
 * administrator chooses and hands over (seed 000), changed at first sign-in.
 */
export function PersonExtrasFields({ value, onChange, error }: Props) {
  const { t } = useI18n();
  const set = (patch: Partial<PersonExtras>) => onChange({ ...value, ...patch });
  const genderError = error('gender');
  return (
    <>
      <fieldset className="fieldset" data-testid="add-extras">
        <legend>{t('extras.title')}</legend>
        <FormField id="add-phone" type="tel" autoComplete="off" label={t('extras.phone')} hint={t('extras.phoneHint')} error={error('phone')}
          value={value.phone} onChange={(e) => set({ phone: e.target.value })} maxLength={40} />
        <div className={`field${genderError ? ' field-invalid' : ''}`}>
          <label htmlFor="add-gender">{t('extras.gender')}</label>
          {genderError && <p className="field-error" id="add-gender-error">{genderError}</p>}
          <select id="add-gender" value={value.gender} aria-describedby={genderError ? 'add-gender-error' : undefined}
            onChange={(e) => set({ gender: e.target.value as PersonExtras['gender'] })}>
            <option value="">{t('extras.gender.none')}</option>
            {(['FEMALE', 'MALE', 'OTHER'] as const).map((g) => (
              <option key={g} value={g}>{t(`extras.gender.${g}`)}</option>
            ))}
          </select>
        </div>
        <FormField id="add-birthDate" type="date" label={t('extras.birthDate')} error={error('birthDate')}
          value={value.birthDate} min="1900-01-01" onChange={(e) => set({ birthDate: e.target.value })} />
      </fieldset>
      <fieldset className="fieldset" data-testid="add-first-access">
        <legend>{t('extras.firstAccess')}</legend>
        {(['invitation', 'password'] as const).map((way) => (
          <label key={way} className="choice">
            <input type="radio" name="add-first-access" value={way} checked={value.firstAccess === way}
              onChange={() => set({ firstAccess: way })} data-testid={`add-first-access-${way}`} />{' '}
            {t(`extras.firstAccess.${way}`)}
          </label>
        ))}
        {value.firstAccess === 'password' && (
          <FormField id="add-initialPassword" type="password" autoComplete="new-password" label={t('extras.initialPassword')}
            hint={t('extras.initialPasswordHint')} error={error('initialPassword')} value={value.initialPassword}
            onChange={(e) => set({ initialPassword: e.target.value })} required />
        )}
      </fieldset>
    </>
  );
}
