package agent

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// recordedLines is a logger keeping each message.
type recordedLines struct{ msgs []string }

func (r *recordedLines) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&msgWriter{r}, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key != slog.MessageKey {
				return slog.Attr{}
			}
			return a
		}}))
}

type msgWriter struct{ r *recordedLines }

func (w *msgWriter) Write(p []byte) (int, error) {
	w.r.msgs = append(w.r.msgs, string(bytes.TrimSpace(p)))
	return len(p), nil
}

func TestTheWindowsOutputIsLoggedLineByLine(t *testing.T) {
	var r recordedLines
	w := LogWriter(r.logger())
	for _, chunk := range []string{"first li", "ne\n\n  second\nthi", "rd\n", "unfinished"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{`msg="first line"`, "msg=second", "msg=third"}
	if strings.Join(r.msgs, "|") != strings.Join(want, "|") {
		t.Errorf("logged %q, want %q", r.msgs, want)
	}
}

func TestAWindowWritingWithoutNewlinesCannotGrowTheAgentsMemory(t *testing.T) {
	var r recordedLines
	w := LogWriter(r.logger()).(*lineLogger)
	chunk := []byte(strings.Repeat("x", 1000))
	for range 100 {
		w.Write(chunk)
	}
	if len(w.buf) >= maxLogLine {
		t.Errorf("%d bytes held back, want less than %d", len(w.buf), maxLogLine)
	}
	if want := 100 * 1000 / maxLogLine; len(r.msgs) != want {
		t.Errorf("%d pieces logged, want %d", len(r.msgs), want)
	}
}
