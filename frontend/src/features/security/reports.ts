/** The server's CSV report endpoints (R24): users with an active account, and their permissions. */
export function reportUrl(report: 'users' | 'permissions', tenantId: string): string {
  return `/reports/${report}.csv?${new URLSearchParams({ tenant: tenantId }).toString()}`;
}
