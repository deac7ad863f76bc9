//go:build !linux

package main

// nameProcess has nothing to do: elsewhere the window process is started
// by its program's own path, so process lists show its name.
func nameProcess() error { return nil }
