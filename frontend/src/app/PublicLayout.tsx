import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { useI18n } from '../i18n/context';
import { LanguageSwitcher } from './LanguageSwitcher';
import { PageFallback } from './PageFallback';

const MAIN_ID = 'main-content';

/** Pages used before signing in (first-run setup, login): no navigation, no live link. */
export function PublicLayout() {
  const { t } = useI18n();
  return (
    <div className="shell shell-public">
      <a className="skip-link" href={`#${MAIN_ID}`}>
        {t('app.skipToContent')}
      </a>
      <header className="shell-header" data-testid="app-header">
        <div className="shell-header-inner">
          <p className="product-name" data-testid="product-name">
            {t('app.name')}
          </p>
          <div className="shell-tools">
            <LanguageSwitcher />
          </div>
        </div>
      </header>
      <main id={MAIN_ID} className="shell-main shell-main-narrow" tabIndex={-1}>
        <Suspense fallback={<PageFallback reserve={false} />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="shell-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}
