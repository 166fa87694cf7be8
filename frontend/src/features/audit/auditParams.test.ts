import { describe, expect, it } from 'vitest';
import { auditFilter, auditOrder, nextAuditSort, readAuditParams, writeAuditParams, zonedToUtc } from './auditParams';

describe('audit params', () => {
  it('round-trips through the URL', () => {
    const p = readAuditParams('?tenant=VGVuYW50OjE%3D&action=user.suspend&from=2026-03-01T08:00&to=2026-03-02T18:30');
    expect(p).toEqual({ tenant: 'VGVuYW50OjE=', actor: '', target: '', user: '', action: 'user.suspend', from: '2026-03-01T08:00', to: '2026-03-02T18:30', sort: '' });
    expect(readAuditParams(writeAuditParams(p))).toEqual(p);
  });

  it('drops malformed times and empty values', () => {
    const p = readAuditParams('?from=yesterday&to=2026-03-02&action=%20');
    expect(p.from).toBe('');
    expect(p.to).toBe('');
    expect(p.action).toBe('');
    expect(writeAuditParams(p)).toBe('');
  });
});

describe('audit order (issue 15.3)', () => {
  it('keeps a known sort in the URL and drops the default or an unknown one', () => {
    expect(readAuditParams('?sort=-ACTION').sort).toBe('-ACTION');
    expect(writeAuditParams(readAuditParams('?sort=CREATED_AT'))).toBe('?sort=CREATED_AT');
    expect(readAuditParams('?sort=-CREATED_AT').sort).toBe('');
    expect(readAuditParams('?sort=ACTOR').sort).toBe('');
  });

  it('sends orderBy only for another order than newest first', () => {
    expect(auditOrder(readAuditParams(''))).toBeUndefined();
    expect(auditOrder(readAuditParams('?sort=ACTION'))).toEqual({ field: 'ACTION', direction: 'ASC' });
    expect(auditOrder(readAuditParams('?sort=CREATED_AT'))).toEqual({ field: 'CREATED_AT', direction: 'ASC' });
  });

  it('flips the active column and starts another at its natural direction', () => {
    const p = readAuditParams('');
    expect(nextAuditSort(p, 'CREATED_AT')).toBe('CREATED_AT');
    expect(nextAuditSort(readAuditParams('?sort=CREATED_AT'), 'CREATED_AT')).toBe('');
    expect(nextAuditSort(p, 'ACTION')).toBe('ACTION');
    expect(nextAuditSort(readAuditParams('?sort=ACTION'), 'ACTION')).toBe('-ACTION');
    expect(nextAuditSort(readAuditParams('?sort=-ACTION'), 'CREATED_AT')).toBe('');
  });
});

describe('user history', () => {
  it('asks for every change about the user', () => {
    const p = readAuditParams('?user=VXNlcjo3');
    expect(p.user).toBe('VXNlcjo3');
    expect(writeAuditParams(p)).toBe('?user=VXNlcjo3');
    expect(auditFilter(p)).toEqual({ aboutUserId: 'VXNlcjo3' });
  });
});

describe('auditFilter', () => {
  it('reads times in the viewer’s zone and makes the end minute inclusive', () => {
    const f = auditFilter(
      { tenant: 't', actor: 'a', target: '', user: '', action: 'user.create', from: '2026-07-01T10:00', to: '2026-01-15T09:30', sort: '' },
      'Europe/Rome',
    );
    expect(f).toEqual({
      tenantId: 't',
      actorId: 'a',
      action: 'user.create',
      from: '2026-07-01T08:00:00.000Z', // summer: UTC+2
      to: '2026-01-15T08:31:00.000Z', // winter: UTC+1, plus the minute
    });
  });

  it('leaves out what is not set', () => {
    expect(auditFilter({ tenant: '', actor: '', target: '', user: '', action: '', from: '', to: '', sort: '' }, 'Europe/Paris')).toEqual({});
  });
});

describe('zonedToUtc', () => {
  it('handles zones west of UTC and the DST change', () => {
    expect(zonedToUtc('2026-01-01T00:00', 'America/New_York').toISOString()).toBe('2026-01-01T05:00:00.000Z');
    // 29 March 2026, 03:30 in Rome is just after the clocks went forward (UTC+2).
    expect(zonedToUtc('2026-03-29T03:30', 'Europe/Rome').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});
