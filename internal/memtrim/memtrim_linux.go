package memtrim

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// pageOutProgram asks the kernel to reclaim the pages of this process's
// read-only mappings of its own program file (MADV_PAGEOUT, Linux 5.4+).
// Reclaim loses nothing: a page written since it was mapped (the one
// ld.so relocated, a debugger's breakpoint) is anonymous memory, kept or
// swapped out; a clean one is read back from the file on its next use;
// pages another process maps too (the window) are left alone.
func pageOutProgram() (int, error) {
	// The kernel prints the same path in maps as in this link (with
	// " (deleted)" after both if the program was replaced meanwhile).
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, err
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	total := 0
	for _, m := range programMappings(maps, exe) {
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_PAGEOUT); errno != 0 {
			return total, fmt.Errorf("madvise MADV_PAGEOUT: %w", errno)
		}
		total += int(m.end - m.start)
	}
	return total, nil
}

// mapping is an address range of /proc/self/maps.
type mapping struct{ start, end uintptr }

// programMappings reads /proc/self/maps's lines ("start-end perms offset
// dev inode path") and keeps the read-only ones of the file at path: the
// program's code and read-only data, never its writable data, the heap or
// another file's pages.
func programMappings(maps []byte, path string) []mapping {
	var out []mapping
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		fields, rest := mapsFields(sc.Text())
		if len(fields) < 5 || len(fields[1]) < 2 || fields[1][1] != '-' || rest != path {
			continue
		}
		var start, end uint64
		if _, err := fmt.Sscanf(fields[0], "%x-%x", &start, &end); err != nil || end <= start {
			continue
		}
		out = append(out, mapping{uintptr(start), uintptr(end)})
	}
	return out
}

// mapsFields splits a maps line into its five leading fields and the rest,
// the path, which may hold spaces.
func mapsFields(line string) (fields []string, rest string) {
	rest = line
	for range 5 {
		rest = strings.TrimLeft(rest, " ")
		end := strings.IndexByte(rest, ' ')
		if end < 0 {
			return append(fields, rest), ""
		}
		fields, rest = append(fields, rest[:end]), rest[end:]
	}
	return fields, strings.TrimLeft(rest, " ")
}
