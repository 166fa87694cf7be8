import { useEffect } from 'react';
import { useI18n } from '../i18n/context';

/** Sets the tab title to "<page> · <product>", in the current language. */
export function useDocumentTitle(page: string): void {
  const { t } = useI18n();
  const product = t('app.name');
  useEffect(() => {
    document.title = `${page} · ${product}`;
  }, [page, product]);
}
