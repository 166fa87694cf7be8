/**
 * Italian catalog: the source of the message keys. The words are the ones the
 * user guides use (Gestione utenze, Elenco utenti, Nuovo utente, ente, sede
 * operativa). Placeholders are written `{name}`.
 */
export const it = {
  'app.name': 'Gestione utenze',
  'app.skipToContent': 'Passa al contenuto principale',
  'app.footer': 'Amministrazione delegata degli utenti per enti e sedi operative',

  'header.signedInAs': 'Accesso come {name}',
  'header.anonymous': 'Accesso non effettuato',

  'nav.label': 'Navigazione principale',
  'nav.tenants': 'Enti e sedi',
  'nav.users': 'Elenco utenti',

  'language.label': 'Lingua',

  'connection.label': 'Connessione in tempo reale',
  'connection.connecting': 'Connessione in corso…',
  'connection.connected': 'Connesso',
  'connection.reconnecting': 'Riconnessione in corso…',
  'connection.offline': 'Non in linea',

  'tenants.title': 'Enti e sedi operative',
  'tenants.intro': 'Gli enti e le sedi operative che puoi amministrare.',
  'tenants.loading': 'Caricamento degli enti…',
  'tenants.empty': 'Nessun ente da mostrare.',
  'tenants.caption': 'Enti da {from} a {to} di {total}',
  'tenants.column.name': 'Denominazione',
  'tenants.column.parent': 'Ente di appartenenza',
  'tenants.noParent': 'Nessuno (ente principale)',
  'tenants.column.country': 'Paese',
  'tenants.pagination': 'Pagine dell’elenco degli enti',
  'tenants.previous': 'Pagina precedente',
  'tenants.next': 'Pagina successiva',
  'tenants.refreshing': 'Aggiornamento in corso…',

  'users.title': 'Elenco utenti',
  'users.intro':
    'Qui potrai cercare gli utenti per nome, email, username o codice fiscale, aggiungere un Nuovo utente, sospenderlo o riabilitarlo e associarlo alle sedi operative.',
  'users.comingSoon': 'Questa sezione è in preparazione.',

  'notFound.title': 'Pagina non trovata',
  'notFound.body': 'La pagina richiesta non esiste.',
  'notFound.back': 'Torna a enti e sedi',

  'error.title': 'Impossibile caricare i dati',
  'error.retry': 'Riprova',
  'error.UNAUTHENTICATED': 'La sessione è scaduta o non hai effettuato l’accesso.',
  'error.FORBIDDEN': 'Non hai i permessi necessari per questa operazione.',
  'error.NOT_FOUND': 'L’elemento richiesto non esiste o non è visibile.',
  'error.RATE_LIMITED': 'Troppe richieste: riprova tra qualche istante.',
  'error.NETWORK': 'Il server non risponde. Controlla la connessione e riprova.',
  'error.CONFLICT': 'I dati sono stati modificati da un altro utente: ricarica e riprova.',
  'error.BAD_USER_INPUT': 'La richiesta non è valida.',
  'error.UNAVAILABLE': 'Servizio temporaneamente non disponibile. Riprova tra poco.',
  'error.INTERNAL': 'Errore interno. Riprova più tardi.',
  'error.UNKNOWN': 'Si è verificato un errore imprevisto.',
} as const;
