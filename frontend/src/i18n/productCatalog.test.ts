import { describe, expect, test } from 'vitest';
import { productDescription, productName, roleName } from './productCatalog';

describe('catalog names in the interface language', () => {
  test('a known product and role by code', () => {
    const cob = { code: 'cob', name: 'COB – Comunicazioni obbligatorie', description: 'Mandatory employment communications…' };
    expect(productName('fr', cob)).toBe('COB – Communications obligatoires');
    expect(productDescription('it', cob)).toBe('Comunicazioni obbligatorie di lavoro per datori di lavoro, agenzie e delegati.');
    expect(roleName('en', { code: 'amministratore', name: 'Amministratore' })).toBe('Administrator');
  });

  test("an unknown code keeps the server's text", () => {
    const p = { code: 'new-product', name: 'Nuovo', description: 'Descrizione' };
    expect(productName('en', p)).toBe('Nuovo');
    expect(productDescription('fr', p)).toBe('Descrizione');
    expect(roleName('fr', { code: 'x', name: 'Ruolo X' })).toBe('Ruolo X');
  });
});
