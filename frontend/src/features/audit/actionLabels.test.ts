import { describe, expect, it as test } from 'vitest';
import { catalogs } from '../../i18n/catalogs';
import { createTranslator, LOCALES, placeholdersOf } from '../../i18n/translate';
import { actionLabel, eventLine } from './actionLabels';
import serverActionsJSON from '../../../../domain/audit_actions.json?raw';

/** Every action code the server records: storage refuses any other (domain/audit_actions.json). */
const serverActions = JSON.parse(serverActionsJSON) as string[];

describe('audit action labels', () => {
  test('the server list is read', () => {
    expect(serverActions).toContain('user.update');
    expect(serverActions.length).toBeGreaterThan(40);
  });

  for (const locale of LOCALES) {
    test(`every server action has a label and a sentence in ${locale}`, () => {
      const messages = catalogs[locale] as Record<string, string>;
      const missing = serverActions.flatMap((code) =>
        [`auditAction.${code}`, `auditLine.${code}`].filter((k) => !messages[k]?.trim()),
      );
      expect(missing).toEqual([]);
    });
  }

  test('sentences use the same placeholders in every language', () => {
    for (const code of serverActions) {
      const key = `auditLine.${code}`;
      const it = placeholdersOf((catalogs.it as Record<string, string>)[key] ?? '');
      expect(placeholdersOf((catalogs.fr as Record<string, string>)[key] ?? ''), key).toEqual(it);
      expect(placeholdersOf((catalogs.en as Record<string, string>)[key] ?? ''), key).toEqual(it);
    }
  });

  test('a sentence names people and the tenant', () => {
    const t = createTranslator(catalogs.en);
    const e = { action: 'user.update', actorName: 'Mario Rossi', subjectLabel: 'Luca Bianchi', targetType: 'User', tenant: { name: 'Acme' } };
    expect(eventLine(t, e)).toBe('Mario Rossi changed the profile of Luca Bianchi in Acme');
    expect(eventLine(createTranslator(catalogs.it), e)).toBe('Mario Rossi ha modificato il profilo di Luca Bianchi in Acme');
    expect(eventLine(createTranslator(catalogs.fr), e)).toBe('Mario Rossi a modifié le profil de Luca Bianchi chez Acme');
    expect(eventLine(t, { action: 'roleAssignment.create', actorName: 'Mario Rossi', subjectLabel: 'luca.b', objectLabel: 'Clienti: Guest', targetType: 'RoleAssignment' })).toBe(
      'Mario Rossi gave luca.b the role Clienti: Guest',
    );
    // About the tenant itself: its name is not repeated.
    expect(eventLine(t, { action: 'tenant.update', actorName: 'Mario Rossi', subjectLabel: 'Acme', targetType: 'Tenant', tenant: { name: 'Acme' } })).toBe(
      'Mario Rossi changed the details of Acme',
    );
  });

  test('unknown codes are shown as they are', () => {
    const t = createTranslator(catalogs.en);
    expect(actionLabel(t, 'user.suspend')).toBe('User suspended');
    expect(actionLabel(t, 'user.teleport')).toBe('Other action: user.teleport');
  });
});
