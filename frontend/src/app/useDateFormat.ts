import { useMemo } from 'react';
import { useI18n } from '../i18n/context';
import { createDateFormatter, type DateFormatter } from '../lib/datetime';
import { useViewer } from './viewer';

/** Dates in the interface language and the viewer's time zone (R4), else the browser's. */
export function useDateFormat(): DateFormatter {
  const { locale } = useI18n();
  const zone = useViewer()?.user.timeZone;
  return useMemo(() => createDateFormatter(locale, zone), [locale, zone]);
}
