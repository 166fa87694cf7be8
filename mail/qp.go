package mail

import (
	"io"
	"mime/quotedprintable"
	"strings"
)

func writeQP(w io.Writer, s string) error {
	qp := quotedprintable.NewWriter(w)
	if _, err := io.WriteString(qp, strings.ReplaceAll(s, "\n", "\r\n")); err != nil {
		return err
	}
	return qp.Close()
}
