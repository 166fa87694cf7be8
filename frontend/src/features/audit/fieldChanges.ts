/**
 * The type of a global ID (`User`, `Tenant`…): IDs are base64url of
 * "Type:key". Null for any other text, so that a value that merely looks
 * like base64 is shown as it is.
 */
export function globalIdType(value: string): string | null {
  if (!/^[A-Za-z0-9_-]{4,64}$/.test(value)) return null;
  try {
    const text = atob(value.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (value.length % 4)) % 4));
    const m = /^(User|Tenant|Membership|RoleAssignment|Role|Product|Group|ServiceAccount|ServiceAccountToken|Nomination):\d+$/.exec(text);
    return m?.[1] ?? null;
  } catch {
    return null;
  }
}
