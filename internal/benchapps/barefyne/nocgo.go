//go:build !cgo

package main

import (
	"fmt"
	"os"
)

// Without cgo there is no Fyne GL driver to measure; this file keeps the
// package buildable (and vettable) in a cgo-less build of the repository.
func main() {
	fmt.Fprintln(os.Stderr, "barefyne needs cgo: Fyne's GL driver is a cgo package")
	os.Exit(1)
}
