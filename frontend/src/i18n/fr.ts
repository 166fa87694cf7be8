import type { Messages } from './translate';

/** French catalog (words of the HubProTransport and Amisgest guides). */
export const fr: Messages = {
  'app.name': 'Gestion des utilisateurs',
  'app.skipToContent': 'Aller au contenu principal',
  'app.footer': 'Administration déléguée des utilisateurs pour les établissements et leurs établissements secondaires',

  'header.signedInAs': 'Connecté en tant que {name}',
  'header.anonymous': 'Non connecté',

  'nav.label': 'Navigation principale',
  'nav.tenants': 'Établissements',
  'nav.users': 'Utilisateurs',

  'language.label': 'Langue',

  'connection.label': 'Connexion en temps réel',
  'connection.connecting': 'Connexion en cours…',
  'connection.connected': 'Connecté',
  'connection.reconnecting': 'Reconnexion en cours…',
  'connection.offline': 'Hors ligne',

  'tenants.title': 'Établissements',
  'tenants.intro': 'Les établissements et établissements secondaires que vous administrez.',
  'tenants.loading': 'Chargement des établissements…',
  'tenants.empty': 'Aucun établissement à afficher.',
  'tenants.caption': 'Établissements {from} à {to} sur {total}',
  'tenants.column.name': 'Nom',
  'tenants.column.parent': 'Établissement de rattachement',
  'tenants.noParent': 'Aucun (établissement principal)',
  'tenants.column.country': 'Pays',
  'tenants.pagination': 'Pages de la liste des établissements',
  'tenants.previous': 'Page précédente',
  'tenants.next': 'Page suivante',
  'tenants.refreshing': 'Mise à jour en cours…',

  'users.title': 'Utilisateurs',
  'users.intro':
    'Vous pourrez ici rechercher les utilisateurs par nom, courriel, identifiant ou code fiscal, ajouter un utilisateur, le suspendre ou le réactiver et gérer ses droits sur chaque établissement.',
  'users.comingSoon': 'Cette rubrique est en préparation.',

  'notFound.title': 'Page introuvable',
  'notFound.body': 'La page demandée n’existe pas.',
  'notFound.back': 'Retour aux établissements',

  'error.title': 'Impossible de charger les données',
  'error.retry': 'Réessayer',
  'error.UNAUTHENTICATED': 'Votre session a expiré ou vous n’êtes pas connecté.',
  'error.FORBIDDEN': 'Vous n’avez pas les droits nécessaires pour cette opération.',
  'error.NOT_FOUND': 'L’élément demandé n’existe pas ou n’est pas visible.',
  'error.RATE_LIMITED': 'Trop de requêtes : réessayez dans quelques instants.',
  'error.NETWORK': 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.',
  'error.CONFLICT': 'Les données ont été modifiées par un autre utilisateur : rechargez et réessayez.',
  'error.BAD_USER_INPUT': 'La demande n’est pas valide.',
  'error.UNAVAILABLE': 'Service momentanément indisponible. Réessayez dans un instant.',
  'error.INTERNAL': 'Erreur interne. Réessayez plus tard.',
  'error.UNKNOWN': 'Une erreur inattendue s’est produite.',
};
