package datagen

// Name lists for Italian and French looking people, places and companies.
// Accents and apostrophes are kept in display names and dropped from
// usernames.

var italianGiven = []string{
	"Marco", "Giulia", "Alessandro", "Francesca", "Luca", "Chiara", "Giuseppe", "Sara", "Andrea", "Valentina",
	"Matteo", "Martina", "Francesco", "Elena", "Lorenzo", "Alessia", "Davide", "Federica", "Simone", "Silvia",
	"Stefano", "Paola", "Roberto", "Laura", "Antonio", "Anna", "Giovanni", "Maria", "Paolo", "Roberta",
	"Riccardo", "Elisa", "Fabio", "Ilaria", "Daniele", "Giorgia", "Emanuele", "Beatrice", "Michele", "Serena",
	"Salvatore", "Monica", "Nicola", "Cristina", "Vincenzo", "Alice", "Tommaso", "Camilla", "Pietro", "Noemi",
	"Gabriele", "Aurora", "Claudio", "Irene", "Massimo", "Debora", "Enrico", "Ludovica", "Filippo", "Rebecca",
}

var italianFamily = []string{
	"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
	"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
	"Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
	"Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
	"Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini",
	"Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti",
}

var frenchGiven = []string{
	"Jean", "Marie", "Pierre", "Camille", "Louis", "Léa", "Nicolas", "Manon", "Julien", "Chloé",
	"Thomas", "Emma", "Antoine", "Inès", "Hugo", "Sarah", "Mathieu", "Juliette", "Lucas", "Clémence",
	"Guillaume", "Pauline", "Maxime", "Élodie", "Romain", "Céline", "Alexandre", "Aurélie", "Benoît", "Anaïs",
	"Sébastien", "Mathilde", "François", "Margaux", "Olivier", "Charlotte", "Théo", "Lucie", "Quentin", "Océane",
}

var frenchFamily = []string{
	"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
	"Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
	"Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
	"Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
}

var italianCities = []string{
	"Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Genova", "Verona", "Padova", "Bari",
	"Palermo", "Catania", "Brescia", "Bergamo", "Trieste", "Parma", "Modena", "Perugia", "Cagliari", "Trento",
	"Udine", "Lecce", "Pescara", "Ancona", "Vicenza", "Novara", "Como", "Pisa", "Rimini", "Salerno",
}

var frenchCities = []string{
	"Paris", "Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier", "Bordeaux", "Lille",
	"Rennes", "Reims", "Grenoble", "Dijon", "Angers", "Nîmes", "Clermont-Ferrand", "Le Mans", "Tours", "Limoges",
	"Annecy", "Metz", "Rouen", "Caen", "Brest", "Orléans", "Mulhouse", "Perpignan", "Besançon", "Avignon",
}

var italianSectors = []string{
	"Costruzioni", "Logistica", "Servizi", "Trasporti", "Impianti", "Alimentari", "Consulting", "Meccanica",
	"Sanità", "Energia", "Informatica", "Distribuzione", "Tessile", "Edilizia", "Farmaceutica", "Assicurazioni",
}

var italianForms = []string{"S.p.A.", "S.r.l.", "S.r.l.", "S.r.l.", "S.n.c.", "Soc. Coop."}

var frenchSectors = []string{
	"Transports", "Logistique", "Services", "Bâtiment", "Conseil", "Formation", "Petite Enfance", "Distribution",
	"Santé", "Énergie", "Informatique", "Ingénierie", "Restauration", "Propreté", "Sécurité", "Immobilier",
}

var frenchForms = []string{"SAS", "SA", "SARL", "SARL", "SASU", "SCOP"}

var groupNames = []string{
	"Turno mattina", "Turno pomeriggio", "Turno notte", "Amministrazione", "Ufficio personale", "Commerciale",
	"Équipe A", "Équipe B", "Accueil", "Direction", "Comptabilité", "Support", "Magazzino", "Formazione",
}

var auditActions = []string{
	"user.create", "user.update", "user.suspend", "user.reactivate", "role.assign", "role.assign",
	"role.assign", "role.revoke", "role.suspend", "membership.create", "invitation.send", "invitation.accept",
	"user.login", "user.login", "user.login", "password.reset",
}

var userAgents = []string{
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
	"Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
	"tenantadmin-integration/1.4 (service account)",
}
