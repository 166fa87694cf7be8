import type { it } from './it';

/** Interface languages (R4); `it` is the default. */
export const LOCALES = ['it', 'fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'it';

/** Each language's own name, as the language switcher shows it. */
export const LOCALE_NAMES: Record<Locale, string> = {
  it: 'Italiano',
  fr: 'Français',
  en: 'English',
};

export type MessageKey = keyof typeof it;
/** A catalog: every key of the Italian source catalog, translated. */
export type Messages = Record<MessageKey, string>;

/** Placeholder names in a message: `'a {x} b {y}'` gives `'x' | 'y'`. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

export type MessageParams<K extends MessageKey> = Record<Placeholders<(typeof it)[K]>, string | number>;

/** Arguments after the key: the params object when the message has placeholders. */
export type TranslateArgs<K extends MessageKey> = [Placeholders<(typeof it)[K]>] extends [never]
  ? []
  : [params: MessageParams<K>];

/** The `t()` function components get from useI18n(). */
export type Translate = <K extends MessageKey>(key: K, ...args: TranslateArgs<K>) => string;

/** Whether `key` is a message key (for keys built at run time, e.g. from an API error code). */
export function isMessageKey(messages: Messages, key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages, key);
}

/**
 * The message for a key built at run time (`userError.${code}`), or
 * undefined when the catalog has none: the caller shows its own fallback.
 */
export function translateDynamic(t: Translate, messages: Messages, key: string): string | undefined {
  return isMessageKey(messages, key) ? (t as unknown as (k: string) => string)(key) : undefined;
}

/** Fills `{name}` placeholders; an unknown placeholder stays as written. */
export function format(message: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Placeholder names used by a message, sorted (for catalog consistency checks). */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/** A `t()` bound to one catalog, falling back to `fallback` for a missing key. */
export function createTranslator(messages: Messages, fallback?: Messages): Translate {
  return <K extends MessageKey>(key: K, ...args: TranslateArgs<K>): string => {
    const message = messages[key] ?? fallback?.[key] ?? key;
    return format(message, args[0] as Readonly<Record<string, string | number>> | undefined);
  };
}

/** The supported locale for a BCP 47 tag (`fr-CA` gives `fr`), if any. */
export function matchLocale(tag: string | null | undefined): Locale | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === primary);
}

/**
 * The first supported language among the candidates, in order of preference
 * (the user's saved preference, then the browser's languages), else Italian.
 */
export function negotiateLocale(candidates: ReadonlyArray<string | null | undefined>): Locale {
  for (const candidate of candidates) {
    const locale = matchLocale(candidate);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}
