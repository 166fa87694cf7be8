import { Navigate, Route, Routes } from 'react-router';
import { AccountPage } from '../features/account/pages/AccountPage';
import { AuditPage } from '../features/audit/pages/AuditPage';
import { GroupsPage } from '../features/groups/pages/GroupsPage';
import { SecurityPage } from '../features/security/pages/SecurityPage';
import { ServiceAccountsPage } from '../features/serviceAccounts/pages/ServiceAccountsPage';
import { ForgotPasswordPage } from '../features/auth/pages/ForgotPasswordPage';
import { InvitationPage } from '../features/auth/pages/InvitationPage';
import { ResetPasswordPage } from '../features/auth/pages/ResetPasswordPage';
import { VerifyEmailPage } from '../features/auth/pages/VerifyEmailPage';
import { LoginPage } from '../features/auth/pages/LoginPage';
import { MailboxPage } from '../features/dev/pages/MailboxPage';
import { ProductsPage } from '../features/products/pages/ProductsPage';
import { SetupPage } from '../features/setup/pages/SetupPage';
import { TenantsPage } from '../features/tenants/pages/TenantsPage';
import { FailedLoginsPage } from '../features/tenantSecurity/pages/FailedLoginsPage';
import { AddUserPage } from '../features/users/add/AddUserPage';
import { UserProfilePage } from '../features/users/pages/UserProfilePage';
import { UsersPage } from '../features/users/pages/UsersPage';
import { AppShell } from './AppShell';
import { NotFoundPage } from './NotFoundPage';
import { PublicLayout } from './PublicLayout';

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
