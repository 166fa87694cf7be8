import { Suspense, useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { LogoutMutation } from '../features/auth/operations';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { readRememberedTenant, tenantStep, withTenant, writeRememberedTenant } from '../lib/tenantContext';
import { focusPageHeading } from '../components/PageHeading';
import { useI18n } from '../i18n/context';
import { ConnectionIndicator } from './ConnectionIndicator';
import { LanguageSwitcher } from './LanguageSwitcher';
import { PageFallback } from './PageFallback';
import { useViewerState } from './viewer';

const MAIN_ID = 'main-content';

/** Navigation entries after the products: path, label key, test ID. */
const NAV_MORE = [
  ['/groups', 'nav.groups', 'nav-groups'],
  ['/service-accounts', 'nav.serviceAccounts', 'nav-service-accounts'],
  ['/security', 'nav.security', 'nav-security'],
  ['/audit', 'nav.audit', 'nav-audit'],
  ['/account', 'nav.account', 'nav-account'],
] as const;

/** Moves focus to the new page's heading after client-side navigation (not on first load). */
function useFocusHeadingOnNavigate(): void {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    focusPageHeading(pathname);
  }, [pathname]);
}

/** The header's menu on narrow screens: open or closed, closed again on every navigation. */
function useMenu(): [boolean, () => void] {
  const { pathname, search } = useLocation();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [pathname, search]);
  return [open, () => setOpen((o) => !o)];
}

/**
 * The working tenant (issue 19.4): taken from the tenant pages' `?tenant=`,
 * kept for the tab, carried by the navigation links, and given to a page that
 * needs a tenant when it is opened without one.
 */
function useWorkingTenant(): string {
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const [tenant, setTenant] = useState(readRememberedTenant);
  useEffect(() => {
    const step = tenantStep(pathname, search, readRememberedTenant());
    writeRememberedTenant(step.remembered);
    setTenant(step.remembered);
    if (step.redirect) void navigate(step.redirect, { replace: true });
  }, [pathname, search, navigate]);
  return tenant;
}

export function AppShell() {
  const { t } = useI18n();
  const { viewer, loading } = useViewerState();
  const [menuOpen, toggleMenu] = useMenu();
  const tenant = useWorkingTenant();
  useFocusHeadingOnNavigate();

  return (
    <div className="shell">
      <a className="skip-link" href={`#${MAIN_ID}`}>
        {t('app.skipToContent')}
      </a>
      <header className={`shell-header${menuOpen ? ' shell-header-open' : ''}`} data-testid="app-header">
        <div className="shell-header-inner">
          <p className="product-name" data-testid="product-name">
            {t('app.name')}
          </p>
          <div className="shell-tools">
            <ConnectionIndicator />
            {/* Narrow screens: the account tools and the navigation fold behind this button. */}
            <button
              type="button"
              className="nav-toggle"
              aria-expanded={menuOpen}
              aria-controls="shell-menu shell-nav"
              onClick={toggleMenu}
              data-testid="nav-toggle"
            >
              <span aria-hidden="true" className="nav-toggle-bars" />
              {t('header.menu')}
            </button>
            <div className="shell-account" id="shell-menu">
              <LanguageSwitcher />
              <p className="viewer" data-testid="viewer" aria-busy={loading}>
                {viewer
                  ? t('header.signedInAs', { name: viewer.user.username })
                  : loading
                    ? t('header.loading')
                    : t('header.anonymous')}
              </p>
              {viewer && <LogoutButton />}
            </div>
          </div>
        </div>
        <nav aria-label={t('nav.label')} className="shell-nav" id="shell-nav" data-testid="main-nav">
          <ul>
            <li>
              <NavLink to="/tenants" data-testid="nav-tenants">
                {t('nav.tenants')}
              </NavLink>
            </li>
            <li>
              <NavLink to={withTenant('/users', tenant)} data-testid="nav-users">
                {t('nav.users')}
              </NavLink>
            </li>
            <li>
              <NavLink to="/products" data-testid="nav-products">
                {t('nav.products')}
              </NavLink>
            </li>
            {NAV_MORE.map(([to, key, testId]) => (
              <li key={to}>
                <NavLink to={withTenant(to, tenant)} data-testid={testId}>
                  {t(key)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id={MAIN_ID} className="shell-main" tabIndex={-1}>
        {viewer?.secondFactorEnrollmentRequired && <EnrolSecondFactorBanner />}
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="shell-footer">
        <p>{t('app.footer')}</p>
      </footer>
    </div>
  );
}

/**
 * R17: after an administrator resets the second factor, the user sets up a
 * new one at their next sign-in. Every page says so until it is done; the
 * account page holds the enrolment itself.
 */
function EnrolSecondFactorBanner() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  return (
    <div className="alert alert-warning" role="status" data-testid="enrol-second-factor">
      <p>{t('totp.enrolNow')}</p>
      {pathname !== '/account' && (
        <Link to="/account#totp-heading" data-testid="enrol-second-factor-link">
          {t('totp.enrolNowLink')}
        </Link>
      )}
    </div>
  );
}

/** Ends the session, then reloads at /login (the live connection closes with it). */
function LogoutButton() {
  const { t } = useI18n();
  const [{ fetching }, logout] = useMutation(LogoutMutation);
  const [failed, setFailed] = useState(false);
  const onClick = async (): Promise<void> => {
    setFailed(false);
    const result = await logout({});
    if (result.error && !result.error.graphQLErrors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) {
      setFailed(true);
      return;
    }
    window.location.assign('/login');
  };
  return (
    <>
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => void onClick()}
        disabled={fetching}
        aria-busy={fetching}
        data-testid="logout"
      >
        {fetching ? t('logout.progress') : t('logout.button')}
      </button>
      {failed && (
        <span role="alert" className="field-error" data-testid="logout-error">
          {t('logout.failed')}
        </span>
      )}
    </>
  );
}
