package memtrim

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestProgramMappingsKeepsOnlyTheProgramsReadOnlyMappings(t *testing.T) {
	const exe = "/home/ana/my apps/liveroute"
	maps := `00400000-00c00000 r-xp 00000000 fe:00 1000 /home/ana/my apps/liveroute
00c00000-01800000 r--p 00800000 fe:00 1000 /home/ana/my apps/liveroute
01800000-01900000 rw-p 01400000 fe:00 1000 /home/ana/my apps/liveroute
01900000-01a00000 rw-p 00000000 00:00 0 
01a00000-01b00000 rw-p 00000000 00:00 0                                  [heap]
7f0000000000-7f0000100000 r-xp 00000000 fe:00 2000                       /usr/lib/x86_64-linux-gnu/libc.so.6
7f0000100000-7f0000200000 r--p 00000000 fe:00 1000                       /home/ana/my apps/liveroute.old
7f0000200000-7f0000300000 r--p 00000000 fe:00 1000                       /home/ana/my apps/liveroute (deleted)
garbage line
`
	got := programMappings([]byte(maps), exe)
	want := []mapping{{0x400000, 0xc00000}, {0xc00000, 0x1800000}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("programMappings = %x, want %x (the program's read-only mappings only)", got, want)
	}
	// A program replaced while it runs is still its own mappings.
	got = programMappings([]byte(maps), exe+" (deleted)")
	if len(got) != 1 || got[0] != (mapping{0x7f0000200000, 0x7f0000300000}) {
		t.Fatalf("programMappings of a replaced program = %x, want its one mapping", got)
	}
}

// programRSS is the KiB of this process's own program file it has mapped
// read-only (the Rss of those mappings in /proc/self/smaps).
func programRSS(t *testing.T) int {
	t.Helper()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	kib, ours := 0, false
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		line := sc.Text()
		if fields, rest := mapsFields(line); len(fields) == 5 && strings.Contains(fields[0], "-") {
			ours = rest == exe && fields[1][1] == '-'
			continue
		}
		if f := strings.Fields(line); ours && len(f) == 3 && f[0] == "Rss:" {
			n, _ := strconv.Atoi(f[1])
			kib += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kib
}

// TestTrimGivesBackTheProgramsPages crosses the real boundary: this test
// binary maps every page of its program, trims, and the kernel's own count
// of what it maps falls.
func TestTrimGivesBackTheProgramsPages(t *testing.T) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, m := range programMappings(maps, exe) {
		// Map every page in, as a long run of work would (Linux 5.14+).
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_POPULATE_READ); errno != 0 {
			t.Fatalf("madvise MADV_POPULATE_READ: %v", errno)
		}
		size += int(m.end-m.start) / 1024
	}
	before := programRSS(t)
	if before < size*9/10 {
		t.Fatalf("before the trim %d KiB of the program's %d KiB are mapped, want nearly all", before, size)
	}
	advised, err := Trim()
	if err != nil {
		t.Fatalf("Trim: %v", err)
	}
	if advised != size*1024 {
		t.Errorf("Trim advised %d bytes, want the program's read-only mappings' %d", advised, size*1024)
	}
	after := programRSS(t)
	t.Logf("program pages mapped: %d KiB before the trim, %d KiB after (of %d KiB)", before, after, size)
	if after > before/4 {
		t.Errorf("after the trim %d KiB of the program are mapped, want under a quarter of the %d KiB before", after, before)
	}
}
