package embedded

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// tailLines is how much recent server output we keep to explain failures.
const tailLines = 40

// serverLog copies PostgreSQL's stderr to DataDir/log/postgres.log and to the
// slog logger, keeping the last lines in memory so a failed start can say why.
type serverLog struct {
	file   *os.File // may be nil
	logger *slog.Logger

	mu   sync.Mutex
	tail []string
}

// follow consumes r until EOF (all writers, including postmaster children,
// have exited) and closes done.
func (l *serverLog) follow(r io.ReadCloser) (done <-chan struct{}) {
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		defer r.Close()
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				l.write(strings.TrimRight(line, "\r\n"))
			}
			if err != nil {
				return
			}
		}
	}()
	return ch
}

func (l *serverLog) write(line string) {
	l.mu.Lock()
	if l.file != nil {
		_, _ = l.file.WriteString(line + "\n")
	}
	l.tail = append(l.tail, line)
	if len(l.tail) > tailLines {
		l.tail = l.tail[len(l.tail)-tailLines:]
	}
	l.mu.Unlock()

	l.logger.Log(context.Background(), lineLevel(line), line, "component", "postgres")
}

// expectedNoise are FATAL lines our own startup polling and fast shutdown
// cause; they are not worth a warning.
var expectedNoise = []string{
	"the database system is starting up",
	"the database system is not yet accepting connections",
	"terminating connection due to administrator command",
}

// lineLevel keeps routine LOG chatter at debug and surfaces anything
// PostgreSQL flags as a problem.
func lineLevel(line string) slog.Level {
	for _, noise := range expectedNoise {
		if strings.Contains(line, noise) {
			return slog.LevelDebug
		}
	}
	for _, tag := range []string{"WARNING:", "ERROR:", "FATAL:", "PANIC:"} {
		if strings.Contains(line, tag) {
			return slog.LevelWarn
		}
	}
	return slog.LevelDebug
}

// resetTail forgets earlier output, so each start attempt is judged on its own.
func (l *serverLog) resetTail() {
	l.mu.Lock()
	l.tail = nil
	l.mu.Unlock()
}

func (l *serverLog) tailText() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.tail, "\n")
}

func (l *serverLog) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file != nil {
		_ = l.file.Close()
		l.file = nil
	}
}
