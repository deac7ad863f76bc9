package agent

import (
	"bytes"
	"io"
	"log/slog"
	"sync"
)

// LogWriter logs each line written to it at Info: the window process's
// output, in the agent's log.
func LogWriter(log *slog.Logger) io.Writer { return &lineLogger{log: log} }

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
			break
		}
		if line := bytes.TrimSpace(l.buf[:i]); len(line) > 0 {
			l.log.Info(string(line))
		}
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}
