import { lazy } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { AppShell } from './AppShell';
import { NotFoundPage } from './NotFoundPage';
import { PublicLayout } from './PublicLayout';

// One chunk per page (issue 19.7): the first load fetches only the shell and
// the page it opens; the layouts' Suspense reserves the page's space meanwhile.
const AccountPage = lazy(() => import('../features/account/pages/AccountPage').then((m) => ({ default: m.AccountPage })));
const AuditPage = lazy(() => import('../features/audit/pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const GroupsPage = lazy(() => import('../features/groups/pages/GroupsPage').then((m) => ({ default: m.GroupsPage })));
const SecurityPage = lazy(() => import('../features/security/pages/SecurityPage').then((m) => ({ default: m.SecurityPage })));
const ServiceAccountsPage = lazy(() => import('../features/serviceAccounts/pages/ServiceAccountsPage').then((m) => ({ default: m.ServiceAccountsPage })));
const ForgotPasswordPage = lazy(() => import('../features/auth/pages/ForgotPasswordPage').then((m) => ({ default: m.ForgotPasswordPage })));
const InvitationPage = lazy(() => import('../features/auth/pages/InvitationPage').then((m) => ({ default: m.InvitationPage })));
const ResetPasswordPage = lazy(() => import('../features/auth/pages/ResetPasswordPage').then((m) => ({ default: m.ResetPasswordPage })));
const VerifyEmailPage = lazy(() => import('../features/auth/pages/VerifyEmailPage').then((m) => ({ default: m.VerifyEmailPage })));
const LoginPage = lazy(() => import('../features/auth/pages/LoginPage').then((m) => ({ default: m.LoginPage })));
const MailboxPage = lazy(() => import('../features/dev/pages/MailboxPage').then((m) => ({ default: m.MailboxPage })));
const ProductsPage = lazy(() => import('../features/products/pages/ProductsPage').then((m) => ({ default: m.ProductsPage })));
const SetupPage = lazy(() => import('../features/setup/pages/SetupPage').then((m) => ({ default: m.SetupPage })));
const TenantsPage = lazy(() => import('../features/tenants/pages/TenantsPage').then((m) => ({ default: m.TenantsPage })));
const FailedLoginsPage = lazy(() => import('../features/tenantSecurity/pages/FailedLoginsPage').then((m) => ({ default: m.FailedLoginsPage })));
const AddUserPage = lazy(() => import('../features/users/add/AddUserPage').then((m) => ({ default: m.AddUserPage })));
const UserProfilePage = lazy(() => import('../features/users/pages/UserProfilePage').then((m) => ({ default: m.UserProfilePage })));
const UsersPage = lazy(() => import('../features/users/pages/UsersPage').then((m) => ({ default: m.UsersPage })));

export function App() {
  return (
    <Routes>
      <Route element={<PublicLayout />}>
        <Route path="setup" element={<SetupPage />} />
        <Route path="login" element={<LoginPage />} />
        <Route path="invitation" element={<InvitationPage />} />
        <Route path="forgot-password" element={<ForgotPasswordPage />} />
        <Route path="reset-password" element={<ResetPasswordPage />} />
        <Route path="verify-email" element={<VerifyEmailPage />} />
        <Route path="dev/mailbox" element={<MailboxPage />} />
      </Route>
      <Route element={<AppShell />}>
        <Route index element={<Navigate to="/tenants" replace />} />
        <Route path="tenants" element={<TenantsPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="users/new" element={<AddUserPage />} />
        <Route path="users/:id" element={<UserProfilePage />} />
        <Route path="products" element={<ProductsPage />} />
        <Route path="groups" element={<GroupsPage />} />
        <Route path="service-accounts" element={<ServiceAccountsPage />} />
        <Route path="security" element={<SecurityPage />} />
        <Route path="failed-logins" element={<FailedLoginsPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
