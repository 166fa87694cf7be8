import { useState } from 'react';
import { useI18n } from '../i18n/context';

/** Copies a secret to the clipboard and says so in a status region. */
export function CopyButton({ text, testId }: { text: string; testId: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <>
      <button type="button" className="button button-secondary button-small" onClick={() => void copy()} data-testid={testId}>
        {t('common.copy')}
      </button>{' '}
      <span role="status" className="small" data-testid={`${testId}-status`}>
        {state === 'copied' ? t('common.copied') : state === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </>
  );
}
