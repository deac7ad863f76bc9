//go:build linux

package main

import "os"

// nameProcess names this process "liveroute" in process lists (ps, top,
// /proc/PID/comm). The window process runs /proc/self/exe, which the
// kernel names "exe". It writes /proc/self/comm, which names the main
// thread whichever thread the caller runs on; prctl(PR_SET_NAME) would
// name only the calling thread, and a goroutine may be on any.
func nameProcess() error {
	f, err := os.OpenFile("/proc/self/comm", os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString("liveroute")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
