import { en } from './en';
import { fr } from './fr';
import { it } from './it';
import type { Locale, Messages } from './translate';

export const catalogs: Record<Locale, Messages> = { it, fr, en };
