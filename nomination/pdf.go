package nomination

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// A minimal PDF 1.4 writer: one A4 page of text lines in the standard
// Helvetica and Courier fonts (WinAnsiEncoding), an Info dictionary and a
// cross-reference table with exact offsets. No compression, no clock, no
// randomness: the output is a pure function of its input.

type pdfLine struct {
	text string
	size int
	// gap is the distance in points from the previous line's baseline.
	gap  int
	mono bool
}

type pdfInfo struct {
	title   string
	created time.Time
	id      []byte
}

const (
	pageWidth  = 595 // A4 in points
	pageHeight = 842
	marginLeft = 56
	marginTop  = 64
)

func renderPDF(lines []pdfLine, info pdfInfo) []byte {
	var content bytes.Buffer
	y := pageHeight - marginTop
	for _, l := range lines {
		y -= l.gap
		font := "F1"
		if l.mono {
			font = "F2"
		}
		fmt.Fprintf(&content, "BT /%s %d Tf %d %d Td (%s) Tj ET\n", font, l.size, marginLeft, y, pdfString(l.text))
	}

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>", pageWidth, pageHeight),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (%s) /Producer (tenantadmin) /CreationDate (%s) >>",
			pdfString(info.title), info.created.UTC().Format("D:20060102150405Z")),
	}

	var out bytes.Buffer
	// The binary comment marks the file as binary for transfer tools.
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	id := hex.EncodeToString(info.id)
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(objects)+1, len(objects), id, id, xref)
	return out.Bytes()
}

// pdfString encodes text as the body of a PDF literal string in
// WinAnsiEncoding: parentheses and backslashes escaped, bytes outside
// printable ASCII as octal escapes, characters WinAnsi lacks as '?'.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		c, ok := winAnsi(r)
		if !ok {
			c = '?'
		}
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// winAnsiHigh maps the characters of Windows-1252's 0x80–0x9F range.
var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8a, '‹': 0x8b, 'Œ': 0x8c, 'Ž': 0x8e, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9a, '›': 0x9b,
	'œ': 0x9c, 'ž': 0x9e, 'Ÿ': 0x9f,
}

func winAnsi(r rune) (byte, bool) {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return ' ', true
	case r >= 0x20 && r < 0x7f:
		return byte(r), true
	case r >= 0xa0 && r <= 0xff:
		return byte(r), true
	}
	c, ok := winAnsiHigh[r]
	return c, ok
}
