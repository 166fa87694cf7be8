import { describe, expect, test } from 'vitest';
import { linkify } from '../dev/pages/MailboxPage';
import { isUserChange } from '../users/useLiveRefetch';
import { nextPath } from './pages/LoginPage';

describe('after sign-in', () => {
  test('goes to ?next= when it is a path of this app', () => {
    expect(nextPath('?next=%2Fusers%3Ftenant%3Dabc')).toBe('/users?tenant=abc');
    expect(nextPath('')).toBe('/tenants');
  });
  test('never to another site or back to /login', () => {
    expect(nextPath('?next=https%3A%2F%2Fevil.example')).toBe('/tenants');
    expect(nextPath('?next=%2F%2Fevil.example')).toBe('/tenants');
    expect(nextPath('?next=%2Flogin')).toBe('/tenants');
  });
});

describe('developer mailbox', () => {
  test('turns web addresses into links', () => {
    expect(linkify('Apri http://127.0.0.1:8080/invitation#token=ab_c-1 entro 72 ore.')).toEqual([
      'Apri ',
      { href: 'http://127.0.0.1:8080/invitation#token=ab_c-1' },
      ' entro 72 ore.',
    ]);
    expect(linkify('no link')).toEqual(['no link']);
  });
});

describe('live updates', () => {
  test('refetch on user, membership and role changes only', () => {
    expect(isUserChange({ type: 'ROLE_ASSIGNMENT_SUSPENDED' })).toBe(true);
    expect(isUserChange({ type: 'USER_CREATED' })).toBe(true);
    expect(isUserChange({ type: 'TENANT_UPDATED' })).toBe(false);
    expect(isUserChange({ type: 'SERVICE_ACCOUNT_CREATED' })).toBe(false);
  });
});
