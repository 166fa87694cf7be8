import { useI18n } from '../i18n/context';

/**
 * Shown while a page's chunk loads (issue 19.7). In the app's shell it holds
 * at least a screen's height, so the footer stays below the fold and nothing
 * visible moves when the page replaces it (no layout shift). The public
 * pages (sign-in, setup) fit on a screen, where the footer already sits at
 * the bottom: there it holds nothing, or the footer would rise into view.
 */
export function PageFallback({ reserve = true }: { reserve?: boolean }) {
  const { t } = useI18n();
  return (
    <div className={reserve ? 'page-pending' : undefined} role="status" aria-busy="true" data-testid="page-loading">
      <span className="visually-hidden">{t('app.pageLoading')}</span>
    </div>
  );
}
