import { useI18n } from '../i18n/context';

/** A polite status region that shows a spinner and a text while `busy`. */
export function Progress({ busy, text, testId }: { busy: boolean; text?: string; testId?: string }) {
  const { t } = useI18n();
  return (
    <span role="status" className="progress" data-testid={testId}>
      {busy ? (
        <>
          <span className="spinner" aria-hidden="true" />
          {text ?? t('common.working')}
        </>
      ) : null}
    </span>
  );
}
