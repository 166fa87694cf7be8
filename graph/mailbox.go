package graph

import (
	"tenantadmin/db"
	"tenantadmin/graph/model"
	"tenantadmin/mail"
)

func renderMail(m *db.OutboxEmail) (*model.MailMessage, error) {
	msg, err := mail.Render(m.Template, m.Language, m.Data)
	if err != nil {
		return nil, err
	}
	return &model.MailMessage{ID: globalID("MailMessage", m.ID), To: m.To, Template: m.Template, Language: m.Language,
		Subject: msg.Subject, Text: msg.Text, HTML: msg.HTML, CreatedAt: m.CreatedAt}, nil
}
