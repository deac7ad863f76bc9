package agent

import (
	"bytes"
	"io"
	"log/slog"
	"sync"
)

// LogWriter logs each line written to it at Info: the window process's
// output, in the agent's log. A line longer than maxLogLine is logged in
// pieces, so a window writing without newlines cannot grow the agent's
// memory without end.
func LogWriter(log *slog.Logger) io.Writer { return &lineLogger{log: log} }

// maxLogLine bounds one logged line (a panic's lines are far shorter).
const maxLogLine = 8 << 10

type lineLogger struct {
	log *slog.Logger
	mu  sync.Mutex
	buf []byte
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			if len(l.buf) < maxLogLine {
				break
			}
			i = maxLogLine
		}
		l.logLine(l.buf[:i])
		l.buf = bytes.TrimPrefix(l.buf[i:], []byte("\n"))
	}
	if len(l.buf) == 0 {
		l.buf = nil // let a burst's buffer go
	}
	return len(p), nil
}

func (l *lineLogger) logLine(line []byte) {
	if line = bytes.TrimSpace(line); len(line) > 0 {
		l.log.Info(string(line))
	}
}
