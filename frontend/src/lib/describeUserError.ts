import { catalogs } from '../i18n/catalogs';
import { translateDynamic, type Translate } from '../i18n/translate';

/** A userError explained in the interface language, else the API's own message. */
export function describeUserError(t: Translate, e: { code: string; message: string }): string {
  return translateDynamic(t, catalogs.it, `userError.${e.code}`) ?? e.message;
}
