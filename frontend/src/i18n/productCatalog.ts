import type { Locale } from './translate';

/**
 * The built-in catalog's product and role names and descriptions
 * (db/catalog.yaml) in the interface languages, by code. The API's own text
 * is the fallback: a product or role added to the catalog later shows as the
 * server names it until it is translated here.
 */
type Localised = Partial<Record<Locale, string>>;

const PRODUCTS: Record<string, { name?: Localised; description?: Localised }> = {
  cob: {
    name: { it: 'COB – Comunicazioni obbligatorie', fr: 'COB – Communications obligatoires', en: 'COB – Mandatory communications' },
    description: {
      it: 'Comunicazioni obbligatorie di lavoro per datori di lavoro, agenzie e delegati.',
      fr: 'Communications obligatoires d’emploi pour les employeurs, les agences et les mandataires.',
      en: 'Mandatory employment communications for employers, agencies and delegates.',
    },
  },
  'io-platform': {
    name: { it: 'Area Riservata Enti', fr: 'Espace réservé des organismes', en: 'Public bodies’ reserved area' },
    description: {
      it: 'Back office degli enti pubblici (notifiche, pagamenti, chiavi API).',
      fr: 'Back-office des organismes publics (notifications, paiements, clés d’API).',
      en: 'Back office of public bodies (notifications, payments, API keys).',
    },
  },
  'sessions-conducteurs': {
    name: { it: 'Sessioni conducenti', fr: 'Sessions conducteurs', en: 'Driver sessions' },
    description: {
      it: 'Sessioni di formazione per conducenti (HubProTransport).',
      fr: 'Sessions de formation des conducteurs (HubProTransport).',
      en: 'Training sessions for drivers (HubProTransport).',
    },
  },
  'sessions-formateurs': {
    name: { it: 'Sessioni formatori', fr: 'Sessions formateurs', en: 'Trainer sessions' },
    description: {
      it: 'Sessioni di formazione per formatori (HubProTransport).',
      fr: 'Sessions de formation des formateurs (HubProTransport).',
      en: 'Training sessions for trainers (HubProTransport).',
    },
  },
  factures: {
    name: { it: 'Fatture', fr: 'Factures', en: 'Invoices' },
    description: { it: 'Fatture della struttura.', fr: 'Factures de l’établissement.', en: 'Invoices of the establishment.' },
  },
  segmenti: { name: { it: 'Segmenti', fr: 'Segments', en: 'Segments' } },
  automazioni: { name: { it: 'Automazioni', fr: 'Automatisations', en: 'Automations' } },
  clienti: { name: { it: 'Clienti', fr: 'Clients', en: 'Customers' } },
  amisgest: {
    name: { it: 'Amisgest – presenze e attrezzature', fr: 'Amisgest – présences et équipements', en: 'Amisgest – attendance and equipment' },
    description: {
      it: 'Tabellone delle presenze, TV e dispositivi delle porte degli asili nido.',
      fr: 'Tableau des présences, TV et équipements de porte des crèches.',
      en: 'Attendance board, TV and door equipment of day-care centres.',
    },
  },
};

/** Role names by role code (the same code means the same role in every product of the catalog). */
const ROLES: Record<string, Localised> = {
  master: { it: 'Master', fr: 'Master', en: 'Master' },
  operatore: { it: 'Operatore', fr: 'Opérateur', en: 'Operator' },
  amministratore: { it: 'Amministratore', fr: 'Administrateur', en: 'Administrator' },
  'operatore-api': { it: 'Operatore API', fr: 'Opérateur API', en: 'API operator' },
  'operatore-sicurezza': { it: 'Operatore Sicurezza', fr: 'Opérateur sécurité', en: 'Security operator' },
  'gestore-notifiche': { it: 'Gestore Notifiche', fr: 'Gestionnaire des notifications', en: 'Notifications manager' },
  'gestionnaire-admin': { it: 'Gestore amministratore', fr: 'Gestionnaire administrateur', en: 'Manager (administrator)' },
  gestionnaire: { it: 'Gestore', fr: 'Gestionnaire', en: 'Manager' },
  'comptable-admin': { it: 'Amministratore fatture', fr: 'Administrateur factures', en: 'Invoices administrator' },
  comptable: { it: 'Contabile', fr: 'Comptable', en: 'Accountant' },
  administration: { it: 'Amministrazione', fr: 'Administration', en: 'Administration' },
  educatrice: { it: 'Educatrice', fr: 'Éducatrice', en: 'Educator' },
  'external-technician': { it: 'Tecnico esterno', fr: 'Technicien externe', en: 'External technician' },
};

export function productName(locale: Locale, product: { code: string; name: string }): string {
  return PRODUCTS[product.code]?.name?.[locale] ?? product.name;
}

export function productDescription(locale: Locale, product: { code: string; description: string }): string {
  return PRODUCTS[product.code]?.description?.[locale] ?? product.description;
}

export function roleName(locale: Locale, role: { code: string; name: string }): string {
  return ROLES[role.code]?.[locale] ?? role.name;
}
