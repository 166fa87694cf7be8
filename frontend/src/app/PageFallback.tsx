import { useI18n } from '../i18n/context';

/**
 * Shown while a page's chunk loads (issue 19.7): it holds at least a screen's
 * height, so the footer stays below the fold and nothing visible moves when
 * the page replaces it (no layout shift).
 */
export function PageFallback() {
  const { t } = useI18n();
  return (
    <div className="page-pending" role="status" aria-busy="true" data-testid="page-loading">
      <span className="visually-hidden">{t('app.pageLoading')}</span>
    </div>
  );
}
