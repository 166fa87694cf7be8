import { catalogs } from '../../i18n/catalogs';
import { format, translateDynamic, type Translate } from '../../i18n/translate';

/** The short label of an action code (`user.suspend` → "User suspended"); unknown codes are shown as they are. */
export function actionLabel(t: Translate, code: string): string {
  return translateDynamic(t, catalogs.it, `auditAction.${code}`) ?? t('audit.unknownAction', { code });
}

/** What an audit line needs of an event (the AuditEvent fields of the same names). */
export interface LineEvent {
  action: string;
  actorName: string;
  subjectLabel?: string | null;
  objectLabel?: string | null;
  targetType: string;
  tenant?: { name: string } | null;
}

/**
 * One event as a sentence: "Mario Rossi changed the profile of Luca Bianchi
 * in Acme". Names come from the server, which already hides personal data
 * the viewer may not read (R12). The tenant is left out when the event is
 * about the tenant itself.
 */
export function eventLine(t: Translate, e: LineEvent): string {
  const template = translateDynamic(t, catalogs.it, `auditLine.${e.action}`);
  const line = template
    ? format(template, {
        actor: e.actorName,
        subject: e.subjectLabel || t('audit.someone'),
        object: e.objectLabel || t('audit.something'),
      })
    : `${e.actorName}: ${t('audit.unknownAction', { code: e.action })}`;
  if (!e.tenant || e.targetType === 'Tenant') return line;
  return t('audit.line.inTenant', { line, tenant: e.tenant.name });
}
