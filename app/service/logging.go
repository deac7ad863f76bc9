package service

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/liveroute/liveroute/store"
)

// NewLogger logs to w (stderr) and to the profile's rotating log file (at
// most 5 MiB, 3 old files kept). Tokens are fbclient.Token values, which
// never print themselves, so nothing secret reaches either.
func NewLogger(paths store.Paths, w io.Writer) (*slog.Logger, func(), error) {
	if err := paths.Ensure(); err != nil {
		return nil, nil, err
	}
	file, err := store.OpenLogFile(paths.LogFile(), 5<<20, 3)
	if err != nil {
		return nil, nil, fmt.Errorf("open the log file: %w", err)
	}
	h := slog.NewTextHandler(io.MultiWriter(w, file), &slog.HandlerOptions{Level: slog.LevelInfo})
	return slog.New(h), func() { file.Close() }, nil
}
