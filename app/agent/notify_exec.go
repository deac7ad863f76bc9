//go:build darwin || windows

package agent

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// execCommand runs c and waits for it; its error carries the end of what
// the program printed (osascript and PowerShell say why there).
func execCommand(ctx context.Context, c command) error {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	hideWindow(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		said := strings.TrimSpace(string(out))
		if len(said) > 300 {
			said = said[len(said)-300:]
		}
		return fmt.Errorf("%s: %w: %s", c.Name, err, said)
	}
	return nil
}
