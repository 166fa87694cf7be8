import { useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { PAGE_HEADING_ID } from '../components/PageHeading';
import { useI18n } from '../i18n/context';
import { ConnectionIndicator } from './ConnectionIndicator';
import { LanguageSwitcher } from './LanguageSwitcher';
import { useViewer } from './viewer';

const MAIN_ID = 'main-content';

/** Moves focus to the new page's heading after client-side navigation (not on first load). */
function useFocusHeadingOnNavigate(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById(PAGE_HEADING_ID)?.focus();
  }, [pathname]);
}

export function AppShell() {
  const { t } = useI18n();
  const viewer = useViewer();
  useFocusHeadingOnNavigate();

  return (
    <div className="shell">
      <a className="skip-link" href={`#${MAIN_ID}`}>
        {t('app.skipToContent')}
      </a>
      <header className="shell-header" data-testid="app-header">
        <div className="shell-header-inner">
          <p className="product-name" data-testid="product-name">
            {t('app.name')}
          </p>
          <div className="shell-tools">
            <ConnectionIndicator />
            <LanguageSwitcher />
            <p className="viewer" data-testid="viewer">
              {viewer ? t('header.signedInAs', { name: viewer.user.username }) : t('header.anonymous')}
            </p>
          </div>
        </div>
        <nav aria-label={t('nav.label')} className="shell-nav" data-testid="main-nav">
          <ul>
            <li>
              <NavLink to="/tenants" data-testid="nav-tenants">
                {t('nav.tenants')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/users" data-testid="nav-users">
                {t('nav.users')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/products" data-testid="nav-products">
                {t('nav.products')}
              </NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id={MAIN_ID} className="shell-main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="shell-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}
