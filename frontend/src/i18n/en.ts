import type { Messages } from './translate';

/** English catalog. */
export const en: Messages = {
  'app.name': 'User management',
  'app.skipToContent': 'Skip to main content',
  'app.footer': 'Delegated user administration for organisations and their sites',

  'header.signedInAs': 'Signed in as {name}',
  'header.anonymous': 'Not signed in',

  'nav.label': 'Main navigation',
  'nav.tenants': 'Tenants',
  'nav.users': 'Users',

  'language.label': 'Language',

  'connection.label': 'Real-time connection',
  'connection.connecting': 'Connecting…',
  'connection.connected': 'Connected',
  'connection.reconnecting': 'Reconnecting…',
  'connection.offline': 'Offline',

  'tenants.title': 'Tenants and sites',
  'tenants.intro': 'The organisations and operational sites you can administer.',
  'tenants.loading': 'Loading tenants…',
  'tenants.empty': 'No tenants to show.',
  'tenants.caption': 'Tenants {from} to {to} of {total}',
  'tenants.column.name': 'Name',
  'tenants.column.parent': 'Parent tenant',
  'tenants.noParent': 'None (top-level tenant)',
  'tenants.column.country': 'Country',
  'tenants.pagination': 'Pages of the tenants list',
  'tenants.previous': 'Previous page',
  'tenants.next': 'Next page',
  'tenants.refreshing': 'Refreshing…',

  'users.title': 'Users',
  'users.intro':
    'Here you will search users by name, email, username or tax code, add a new user, suspend or reactivate them and attach them to operational sites.',
  'users.comingSoon': 'This section is being prepared.',

  'notFound.title': 'Page not found',
  'notFound.body': 'The page you asked for does not exist.',
  'notFound.back': 'Back to tenants',

  'error.title': 'Could not load the data',
  'error.retry': 'Retry',
  'error.UNAUTHENTICATED': 'Your session has expired or you are not signed in.',
  'error.FORBIDDEN': 'You do not have the permissions this needs.',
  'error.NOT_FOUND': 'The item does not exist or is not visible to you.',
  'error.RATE_LIMITED': 'Too many requests: try again in a moment.',
  'error.NETWORK': 'The server does not answer. Check the connection and try again.',
  'error.CONFLICT': 'Someone else changed this data: reload and try again.',
  'error.BAD_USER_INPUT': 'The request is not valid.',
  'error.UNAVAILABLE': 'The service is temporarily unavailable. Try again shortly.',
  'error.INTERNAL': 'Internal error. Try again later.',
  'error.UNKNOWN': 'An unexpected error occurred.',
};
