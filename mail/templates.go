// Package mail renders the transactional emails (templates in Italian,
// French and English, each with a subject, a text body and an HTML body)
// and delivers the email outbox over SMTP.
package mail

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"text/template"
)

// Message is a rendered email.
type Message struct {
	Subject string
	Text    string
	HTML    string
}

// content is one template in one language. Every string is a text/template
// over the outbox row's data (.link, .username, .givenName, .hours,
// .minutes); the HTML body is built from the same paragraphs, escaped.
type content struct {
	Subject string
	Intro   []string
	Action  string
	Outro   []string
}

// Templates names the templates the outbox may hold.
var Templates = []string{"invitation", "account_recovery", "admin_password_reset", "email_verification",
	"email-change-verification", "email-change-requested", "nomination", "monthly_digest",
	"password_changed", "second_factor_enrolled", "second_factor_reset", "attached_to_tenant"}

var catalog = map[string]map[string]content{
	"invitation": {
		"it": {
			Subject: "Il tuo account {{.username}} è pronto",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "è stato creato per te l'account {{.username}}. Scegli la tua password dal link qui sotto, valido {{.hours}} ore e utilizzabile una sola volta."},
			Action:  "Scegli la password",
			Outro:   []string{"Se il link è scaduto, chiedi al tuo amministratore di inviarti un nuovo invito."},
		},
		"fr": {
			Subject: "Votre compte {{.username}} est prêt",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "le compte {{.username}} a été créé pour vous. Choisissez votre mot de passe avec le lien ci-dessous, valable {{.hours}} heures et utilisable une seule fois."},
			Action:  "Choisir le mot de passe",
			Outro:   []string{"Si le lien a expiré, demandez à votre administrateur de vous envoyer une nouvelle invitation."},
		},
		"en": {
			Subject: "Your account {{.username}} is ready",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "the account {{.username}} was created for you. Choose your password with the link below; it works for {{.hours}} hours, once."},
			Action:  "Choose your password",
			Outro:   []string{"If the link has expired, ask your administrator to send you a new invitation."},
		},
	},
	"account_recovery": {
		"it": {
			Subject: "Reimposta la password e riattiva l'account {{.username}}",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "abbiamo ricevuto una richiesta di reimpostare la password dell'account {{.username}} e di riattivarlo se è bloccato. Il link è valido {{.minutes}} minuti e utilizzabile una sola volta."},
			Action:  "Reimposta la password",
			Outro:   []string{"Se non hai fatto tu la richiesta, ignora questo messaggio: la tua password non cambia."},
		},
		"fr": {
			Subject: "Réinitialisez le mot de passe et réactivez le compte {{.username}}",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "nous avons reçu une demande de réinitialisation du mot de passe du compte {{.username}} et de sa réactivation s'il est bloqué. Le lien est valable {{.minutes}} minutes et utilisable une seule fois."},
			Action:  "Réinitialiser le mot de passe",
			Outro:   []string{"Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe ne change pas."},
		},
		"en": {
			Subject: "Reset the password and reactivate the account {{.username}}",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "we received a request to reset the password of the account {{.username}} and to reactivate it if it is locked. The link works for {{.minutes}} minutes, once."},
			Action:  "Reset the password",
			Outro:   []string{"If you did not ask for this, ignore this message: your password does not change."},
		},
	},
	"admin_password_reset": {
		"it": {
			Subject: "La password dell'account {{.username}} è stata reimpostata",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "un amministratore ha reimpostato la password dell'account {{.username}}: quella precedente non funziona più. Scegline una nuova dal link qui sotto, valido {{.hours}} ore e utilizzabile una sola volta."},
			Action:  "Scegli una nuova password",
			Outro:   []string{"Se il link è scaduto, chiedi al tuo amministratore di reimpostare di nuovo la password."},
		},
		"fr": {
			Subject: "Le mot de passe du compte {{.username}} a été réinitialisé",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "un administrateur a réinitialisé le mot de passe du compte {{.username}} : l'ancien ne fonctionne plus. Choisissez-en un nouveau avec le lien ci-dessous, valable {{.hours}} heures et utilisable une seule fois."},
			Action:  "Choisir un nouveau mot de passe",
			Outro:   []string{"Si le lien a expiré, demandez à votre administrateur de réinitialiser à nouveau le mot de passe."},
		},
		"en": {
			Subject: "The password of the account {{.username}} was reset",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "an administrator reset the password of the account {{.username}}: the old one no longer works. Choose a new one with the link below; it works for {{.hours}} hours, once."},
			Action:  "Choose a new password",
			Outro:   []string{"If the link has expired, ask your administrator to reset the password again."},
		},
	},
	"email_verification": {
		"it": {
			Subject: "Conferma il tuo indirizzo email",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "conferma che questo indirizzo appartiene all'account {{.username}}: sarà usato solo dopo la conferma."},
			Action:  "Conferma l'indirizzo",
			Outro:   []string{"Se non hai chiesto questa modifica, ignora questo messaggio."},
		},
		"fr": {
			Subject: "Confirmez votre adresse e-mail",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "confirmez que cette adresse appartient au compte {{.username}} : elle ne sera utilisée qu'après confirmation."},
			Action:  "Confirmer l'adresse",
			Outro:   []string{"Si vous n'avez pas demandé ce changement, ignorez ce message."},
		},
		"en": {
			Subject: "Confirm your email address",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "confirm that this address belongs to the account {{.username}}: it is used only once confirmed."},
			Action:  "Confirm the address",
			Outro:   []string{"If you did not ask for this change, ignore this message."},
		},
	},
	// A user asked to change their email (R3): the new address confirms.
	"email-change-verification": {
		"it": {
			Subject: "Conferma il nuovo indirizzo email dell'account {{.username}}",
			Intro:   []string{"Ciao,", "è stato chiesto di usare questo indirizzo per l'account {{.username}}. Sarà usato solo dopo la conferma."},
			Action:  "Conferma il nuovo indirizzo",
			Outro:   []string{"Se non hai chiesto questa modifica, ignora questo messaggio: l'indirizzo attuale resta in uso."},
		},
		"fr": {
			Subject: "Confirmez la nouvelle adresse e-mail du compte {{.username}}",
			Intro:   []string{"Bonjour,", "il a été demandé d'utiliser cette adresse pour le compte {{.username}}. Elle ne sera utilisée qu'après confirmation."},
			Action:  "Confirmer la nouvelle adresse",
			Outro:   []string{"Si vous n'avez pas demandé ce changement, ignorez ce message : l'adresse actuelle reste en usage."},
		},
		"en": {
			Subject: "Confirm the new email address of the account {{.username}}",
			Intro:   []string{"Hello,", "someone asked to use this address for the account {{.username}}. It is used only once confirmed."},
			Action:  "Confirm the new address",
			Outro:   []string{"If you did not ask for this change, ignore this message: the current address stays in use."},
		},
	},
	// The old address learns of the request, so a takeover does not go unseen.
	"email-change-requested": {
		"it": {
			Subject: "Richiesta di cambio email per l'account {{.username}}",
			Intro:   []string{"Ciao,", "è stato chiesto di cambiare l'indirizzo email dell'account {{.username}}. Il cambio avverrà solo quando il nuovo indirizzo sarà confermato."},
			Outro:   []string{"Se non sei stato tu, cambia la password e avvisa il tuo amministratore."},
		},
		"fr": {
			Subject: "Demande de changement d'e-mail pour le compte {{.username}}",
			Intro:   []string{"Bonjour,", "il a été demandé de changer l'adresse e-mail du compte {{.username}}. Le changement n'aura lieu qu'après confirmation de la nouvelle adresse."},
			Outro:   []string{"Si ce n'est pas vous, changez votre mot de passe et prévenez votre administrateur."},
		},
		"en": {
			Subject: "Email change requested for the account {{.username}}",
			Intro:   []string{"Hello,", "someone asked to change the email address of the account {{.username}}. The change happens only once the new address is confirmed."},
			Outro:   []string{"If this was not you, change your password and tell your administrator."},
		},
	},
	// Security notices (ASVS 2.2.3, 2.5.5): the owner hears of every change
	// of a credential, so that one made by someone else does not go unseen.
	"password_changed": {
		"it": {
			Subject: "La password dell'account {{.username}} è stata cambiata",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "la password dell'account {{.username}} è stata appena cambiata."},
			Outro:   []string{"Se non sei stato tu, usa subito \"Password dimenticata\" nella pagina di accesso e avvisa il tuo amministratore."},
		},
		"fr": {
			Subject: "Le mot de passe du compte {{.username}} a été changé",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "le mot de passe du compte {{.username}} vient d'être changé."},
			Outro:   []string{"Si ce n'est pas vous, utilisez tout de suite « Mot de passe oublié » sur la page de connexion et prévenez votre administrateur."},
		},
		"en": {
			Subject: "The password of the account {{.username}} was changed",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "the password of the account {{.username}} was just changed."},
			Outro:   []string{"If this was not you, use \"Forgot password\" on the sign-in page now and tell your administrator."},
		},
	},
	"second_factor_enrolled": {
		"it": {
			Subject: "Nuovo secondo fattore per l'account {{.username}}",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "è stata appena configurata una nuova app di autenticazione (codice a tempo) per l'account {{.username}}."},
			Outro:   []string{"Se non sei stato tu, avvisa subito il tuo amministratore."},
		},
		"fr": {
			Subject: "Nouveau second facteur pour le compte {{.username}}",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "une nouvelle application d'authentification (code temporaire) vient d'être configurée pour le compte {{.username}}."},
			Outro:   []string{"Si ce n'est pas vous, prévenez tout de suite votre administrateur."},
		},
		"en": {
			Subject: "New second factor for the account {{.username}}",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "a new authenticator app (time-based code) was just set up for the account {{.username}}."},
			Outro:   []string{"If this was not you, tell your administrator now."},
		},
	},
	"second_factor_reset": {
		"it": {
			Subject: "Secondo fattore azzerato per l'account {{.username}}",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "un amministratore ha azzerato il secondo fattore dell'account {{.username}}: al prossimo accesso ne configurerai uno nuovo."},
			Outro:   []string{"Se non l'avevi chiesto, avvisa il tuo amministratore."},
		},
		"fr": {
			Subject: "Second facteur réinitialisé pour le compte {{.username}}",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "un administrateur a réinitialisé le second facteur du compte {{.username}} : vous en configurerez un nouveau à la prochaine connexion."},
			Outro:   []string{"Si vous ne l'aviez pas demandé, prévenez votre administrateur."},
		},
		"en": {
			Subject: "Second factor reset for the account {{.username}}",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "an administrator reset the second factor of the account {{.username}}: you will set up a new one at your next sign-in."},
			Outro:   []string{"If you did not ask for this, tell your administrator."},
		},
	},
	// R1 (issue 13, item 7): another tenant attached the person's existing
	// account, knowing its username and tax code.
	"attached_to_tenant": {
		"it": {
			Subject: "Il tuo account {{.username}} è stato aggiunto a {{.tenantName}}",
			Intro:   []string{"Ciao{{with .givenName}} {{.}}{{end}},", "un amministratore di {{.tenantName}} ha aggiunto il tuo account {{.username}} alla propria organizzazione, indicando il tuo nome utente e il tuo codice fiscale. Da ora i suoi amministratori vedono il tuo account."},
			Outro:   []string{"Se non conosci questa organizzazione o non te lo aspettavi, avvisa subito il tuo amministratore."},
		},
		"fr": {
			Subject: "Votre compte {{.username}} a été ajouté à {{.tenantName}}",
			Intro:   []string{"Bonjour{{with .givenName}} {{.}}{{end}},", "un administrateur de {{.tenantName}} a ajouté votre compte {{.username}} à son organisation, en indiquant votre identifiant et votre numéro fiscal. Ses administrateurs voient désormais votre compte."},
			Outro:   []string{"Si vous ne connaissez pas cette organisation ou ne vous y attendiez pas, prévenez tout de suite votre administrateur."},
		},
		"en": {
			Subject: "Your account {{.username}} was added to {{.tenantName}}",
			Intro:   []string{"Hello{{with .givenName}} {{.}}{{end}},", "an administrator of {{.tenantName}} added your account {{.username}} to their organisation, giving your username and tax code. Its administrators now see your account."},
			Outro:   []string{"If you do not know this organisation or did not expect this, tell your administrator now."},
		},
	},
	// R20: to the tenant's certified address, for the legal representative.
	"nomination": {
		"it": {
			Subject: "Nomina di un amministratore per {{.tenantName}} ({{.request}})",
			Intro: []string{"Gentile {{.legalRepresentative}},",
				"è stata richiesta la nomina di {{.nomineeName}} ({{.nomineeUsername}}) con il ruolo {{.roleName}} sul prodotto {{.productName}} per {{.tenantName}}.",
				"Dal link qui sotto scarica il modulo di nomina, firmalo digitalmente (CAdES, file .p7m) e caricalo. La richiesta scade il {{.expiresAt}}."},
			Action: "Apri la richiesta di nomina",
			Outro:  []string{"Dalla stessa pagina puoi rifiutare la nomina."},
		},
		"fr": {
			Subject: "Nomination d'un administrateur pour {{.tenantName}} ({{.request}})",
			Intro: []string{"{{.legalRepresentative}},",
				"la nomination de {{.nomineeName}} ({{.nomineeUsername}}) au rôle {{.roleName}} sur le produit {{.productName}} pour {{.tenantName}} a été demandée.",
				"Avec le lien ci-dessous, téléchargez le formulaire, signez-le électroniquement (CAdES, fichier .p7m) et déposez-le. La demande expire le {{.expiresAt}}."},
			Action: "Ouvrir la demande de nomination",
			Outro:  []string{"La même page permet de refuser la nomination."},
		},
		"en": {
			Subject: "Administrator nomination for {{.tenantName}} ({{.request}})",
			Intro: []string{"Dear {{.legalRepresentative}},",
				"the nomination of {{.nomineeName}} ({{.nomineeUsername}}) as {{.roleName}} on {{.productName}} for {{.tenantName}} was requested.",
				"With the link below, download the nomination form, sign it digitally (CAdES, .p7m file) and upload it. The request expires on {{.expiresAt}}."},
			Action: "Open the nomination request",
			Outro:  []string{"You can also refuse the nomination on that page."},
		},
	},
	// R25: the monthly digest of each tenant.
	"monthly_digest": {
		"it": {
			Subject: "{{.tenantName}}: riepilogo utenti di {{.period}}",
			Intro: []string{"Riepilogo del mese {{.period}} per {{.tenantName}}, per prodotto:",
				"{{range .products}}{{.name}}: {{.added}} utenti aggiunti, {{.noLongerActive}} non più attivi, {{.inactive30Days}} inattivi da {{$.inactiveDays}} giorni (da rimuovere?)\n{{end}}"},
			Action: "Apri l'elenco utenti",
		},
		"fr": {
			Subject: "{{.tenantName}} : récapitulatif des utilisateurs de {{.period}}",
			Intro: []string{"Récapitulatif du mois {{.period}} pour {{.tenantName}}, par produit :",
				"{{range .products}}{{.name}} : {{.added}} utilisateurs ajoutés, {{.noLongerActive}} plus actifs, {{.inactive30Days}} inactifs depuis {{$.inactiveDays}} jours (à supprimer ?)\n{{end}}"},
			Action: "Ouvrir la liste des utilisateurs",
		},
		"en": {
			Subject: "{{.tenantName}}: users digest for {{.period}}",
			Intro: []string{"Digest of {{.period}} for {{.tenantName}}, per product:",
				"{{range .products}}{{.name}}: {{.added}} users added, {{.noLongerActive}} no longer active, {{.inactive30Days}} inactive for {{$.inactiveDays}} days (to remove?)\n{{end}}"},
			Action: "Open the users list",
		},
	},
}

var htmlLayout = htmltemplate.Must(htmltemplate.New("layout").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 36em; margin: 2em auto;">
{{range .Intro}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}" style="display: inline-block; padding: .6em 1.2em; background: #0b5fff; color: #fff; text-decoration: none; border-radius: 4px;">{{.Action}}</a></p>
<p style="font-size: .9em; color: #555;">{{.Link}}</p>
{{end}}{{range .Outro}}<p>{{.}}</p>
{{end}}</body></html>
`))

// Render renders a template in a language (falling back to English) with
// the outbox row's data.
func Render(name, lang string, data map[string]any) (Message, error) {
	byLang, ok := catalog[name]
	if !ok {
		return Message{}, fmt.Errorf("mail: unknown template %q", name)
	}
	c, ok := byLang[lang]
	if !ok {
		lang, c = "en", byLang["en"]
	}
	exec := func(s string) (string, error) {
		t, err := template.New("").Option("missingkey=zero").Parse(s)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		if err := t.Execute(&b, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(b.String(), "<no value>", ""), nil
	}
	all := func(in []string) ([]string, error) {
		out := make([]string, len(in))
		for i, s := range in {
			var err error
			if out[i], err = exec(s); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	subject, err := exec(c.Subject)
	if err != nil {
		return Message{}, err
	}
	intro, err := all(c.Intro)
	if err != nil {
		return Message{}, err
	}
	outro, err := all(c.Outro)
	if err != nil {
		return Message{}, err
	}
	link, _ := data["link"].(string)
	var text strings.Builder
	for _, p := range intro {
		text.WriteString(p + "\n\n")
	}
	if link != "" {
		text.WriteString(c.Action + ":\n" + link + "\n\n")
	}
	for _, p := range outro {
		text.WriteString(p + "\n\n")
	}
	var html bytes.Buffer
	if err := htmlLayout.Execute(&html, map[string]any{"Lang": lang, "Subject": subject, "Intro": intro,
		"Outro": outro, "Action": c.Action, "Link": htmltemplate.URL(safeLink(link))}); err != nil {
		return Message{}, err
	}
	return Message{Subject: subject, Text: strings.TrimRight(text.String(), "\n") + "\n", HTML: html.String()}, nil
}

// safeLink keeps only http(s) links in the HTML body.
func safeLink(link string) string {
	if strings.HasPrefix(link, "https://") || strings.HasPrefix(link, "http://") {
		return link
	}
	return ""
}
