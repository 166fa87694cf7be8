// Package report writes the CSV reports of R24 for spreadsheet users: a
// UTF-8 byte order mark so that Excel reads the encoding, RFC 4180 quoting
// (with LF line ends, which keep carriage returns inside cells intact),
// and cells that a spreadsheet would run as formulas neutralised (CSV
// injection: OWASP's advice of a leading single quote).
package report

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"
)

// BOM is the UTF-8 byte order mark written before the header.
const BOM = "\ufeff"

// formulaStart are the first characters that make a spreadsheet evaluate
// a cell (=, +, -, @) or that it strips before doing so (tab, CR).
const formulaStart = "=+-@\t\r"

// SafeCell returns the cell as a spreadsheet must display it: a cell
// starting with a formula character gets a single quote in front.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// Writer writes report rows; it buffers a little and flushes when asked,
// so that a long report streams at constant memory.
type Writer struct {
	csv  *csv.Writer
	cell []string
}

// NewWriter writes the BOM and the header to w.
func NewWriter(w io.Writer, header []string) (*Writer, error) {
	bw := bufio.NewWriterSize(w, 32<<10)
	if _, err := bw.WriteString(BOM); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(bw)
	out := &Writer{csv: cw, cell: make([]string, len(header))}
	return out, out.Write(header)
}

// Write writes one row, neutralising formula cells.
func (w *Writer) Write(row []string) error {
	if cap(w.cell) < len(row) {
		w.cell = make([]string, len(row))
	}
	cells := w.cell[:len(row)]
	for i, c := range row {
		cells[i] = SafeCell(c)
	}
	return w.csv.Write(cells)
}

// Flush sends what is buffered to the underlying writer.
func (w *Writer) Flush() error {
	w.csv.Flush()
	return w.csv.Error()
}
