package agent

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// commandWaitDelay bounds how long a killed notification program's
// leftovers (a child still holding its standard handles) can delay its
// end, and so Close.
const commandWaitDelay = 5 * time.Second

// execCommand runs c and waits for it (macOS and Windows run it; it has
// no build tag so it is tested on Linux too). What the program prints is
// not read: osascript's and PowerShell's messages can quote the text
// shown, a Page's name or a video's title, which no log keeps. Its error
// says only how the program ended.
func execCommand(ctx context.Context, c command) error {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	if c.Env != nil {
		cmd.Env = append(os.Environ(), c.Env...)
	}
	cmd.WaitDelay = commandWaitDelay
	hideWindow(cmd)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	return nil
}
