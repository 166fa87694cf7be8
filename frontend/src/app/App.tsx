import { Navigate, Route, Routes } from 'react-router';
import { LoginPage } from '../features/auth/pages/LoginPage';
import { ProductsPage } from '../features/products/pages/ProductsPage';
import { SetupPage } from '../features/setup/pages/SetupPage';
import { TenantsPage } from '../features/tenants/pages/TenantsPage';
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
      </Route>
      <Route element={<AppShell />}>
        <Route index element={<Navigate to="/tenants" replace />} />
        <Route path="tenants" element={<TenantsPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="users/:id" element={<UserProfilePage />} />
        <Route path="products" element={<ProductsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
