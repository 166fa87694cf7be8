import { Navigate, Route, Routes } from 'react-router';
import { TenantsPage } from '../features/tenants/pages/TenantsPage';
import { UsersPage } from '../features/users/pages/UsersPage';
import { AppShell } from './AppShell';
import { NotFoundPage } from './NotFoundPage';

export function App() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        <Route index element={<Navigate to="/tenants" replace />} />
        <Route path="tenants" element={<TenantsPage />} />
        <Route path="users" element={<UsersPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
