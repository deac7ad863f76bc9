package store

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func fixtureBytes(t *testing.T) []byte {
	t.Helper()
	fx := sharedFixture(t)
	raw, err := os.ReadFile(filepath.Join(fx.dir, "data", "liveroute.db"))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCheckPagesPassesAGoodFileAndItsBackups(t *testing.T) {
	fx := sharedFixture(t)
	for _, rel := range append([]string{filepath.Join("data", "liveroute.db")}, fx.backups...) {
		raw, err := os.ReadFile(filepath.Join(fx.dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		if report, err := checkPages(raw); err != nil || report.damagedMeta != -1 {
			t.Errorf("%s: %+v, %v; want a clean pass", rel, report, err)
		}
	}
}

func TestCheckPagesFindsADamagedInlineBucket(t *testing.T) {
	raw := fixtureBytes(t)
	_, m := func() ([2]meta, meta) {
		metas, _, err := readMetas(raw)
		if err != nil {
			t.Fatal(err)
		}
		if metas[1].txid > metas[0].txid {
			return metas, metas[1]
		}
		return metas, metas[0]
	}()
	// The root bucket's leaf lists LiveRoute's buckets; the small ones,
	// like version, are inline: their page is inside the value.
	root := raw[m.root*m.pageSize : (m.root+1)*m.pageSize]
	_, buckets, err := leafEntries(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range buckets {
		if string(b.name) != string(bucketVersion) {
			continue
		}
		if le.Uint64(b.value) != 0 {
			t.Fatal("the version bucket is not inline in the fixture")
		}
		at := int(m.root*m.pageSize) + offsetIn(root, b.value) + bucketHeaderSize + 8 // the inline page's flags
		damaged := append([]byte(nil), raw...)
		damaged[at] = branchFlag
		if _, err := checkPages(damaged); err == nil || !strings.Contains(err.Error(), "inline") {
			t.Errorf("an inline bucket whose page is not a leaf passed: %v", err)
		}
		return
	}
	t.Fatal("no version bucket in the root leaf")
}

func TestCheckPagesRefusesFilesThatAreNotWhole(t *testing.T) {
	raw := fixtureBytes(t)
	for name, data := range map[string][]byte{
		"empty":           {},
		"one page":        raw[:4096],
		"cut short":       raw[:len(raw)/2],
		"text":            []byte(strings.Repeat("not a database ", 1000)),
		"zeroed metas":    append(make([]byte, 8192), raw[8192:]...),
		"zeroed the rest": append(append([]byte(nil), raw[:8192]...), make([]byte, len(raw)-8192)...),
	} {
		if _, err := checkPages(data); err == nil {
			t.Errorf("%s: passed", name)
		}
	}
}

// TestWhatCheckPagesPassesBboltReadsWithoutPanicking spoils the fixture at
// random (seeded, logged), and checks that checkPages never panics and that
// whatever it passes, bbolt opens, reads every page of and checks (Tx.Check)
// without a panic or an error: the promise open relies on.
func TestWhatCheckPagesPassesBboltReadsWithoutPanicking(t *testing.T) {
	raw := fixtureBytes(t)
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	dir := t.TempDir()
	passed, refused := 0, 0
	for i := range 400 {
		data := append([]byte(nil), raw...)
		how := spoilAtRandom(rng, data)
		report, err := checkPagesNoPanic(data)
		if err != nil {
			if strings.HasPrefix(err.Error(), "panic") {
				t.Fatalf("case %d (%s): checkPages panicked: %v", i, how, err)
			}
			refused++
			continue
		}
		passed++
		path := filepath.Join(dir, fmt.Sprintf("case-%d.db", i))
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// With one damaged meta page bbolt reads from the other, but its
		// Tx.Check asserts on both; Open commits at once, which rewrites
		// the damaged one, so Tx.Check is for whole files only.
		if err := bboltReadsAll(path, report.damagedMeta < 0); err != nil {
			t.Fatalf("case %d (%s) passed checkPages but bbolt fails on it: %v", i, how, err)
		}
		os.Remove(path)
	}
	t.Logf("%d spoiled files refused, %d passed (damage in data bytes, free pages or one meta page)", refused, passed)
	if refused == 0 {
		t.Error("no spoiled file was refused: the spoiler does not reach the structure")
	}
}

func checkPagesNoPanic(data []byte) (report pageReport, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return checkPages(data)
}

// spoilAtRandom changes a few bytes, a page header field, or a whole page.
func spoilAtRandom(rng *rand.Rand, data []byte) string {
	const pageSize = 4096
	page := rng.IntN(len(data) / pageSize)
	at := page * pageSize
	switch rng.IntN(4) {
	case 0:
		for range 1 + rng.IntN(8) {
			data[at+rng.IntN(pageSize)] = byte(rng.Uint32())
		}
		return fmt.Sprintf("bytes of page %d", page)
	case 1:
		field := rng.IntN(16)
		data[at+field] = byte(rng.Uint32())
		return fmt.Sprintf("header byte %d of page %d", field, page)
	case 2:
		el := pageHeaderSize + rng.IntN(32)*elementSize + rng.IntN(elementSize)
		data[at+el] ^= byte(1 << rng.IntN(8))
		return fmt.Sprintf("element byte %d of page %d", el, page)
	default:
		for j := range pageSize {
			data[at+j] = byte(rng.Uint32())
		}
		return fmt.Sprintf("all of page %d", page)
	}
}

// bboltReadsAll opens path read-only, reads every page and runs bbolt's own
// Tx.Check, turning a panic into an error (a panic in Check's goroutine or a
// fault outside the map kills the test binary, which fails it too).
func bboltReadsAll(path string, txCheck bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		return err
	}
	defer b.Close()
	return b.View(func(tx *bolt.Tx) error {
		if err := readEveryPage(tx); err != nil {
			return err
		}
		if !txCheck {
			return nil
		}
		var first error
		for err := range tx.Check() {
			first = cmp.Or(first, err)
		}
		return first
	})
}

// TestAMetaPageBboltWouldUseMustFitTheFile rewrites a meta page with a
// correct checksum but a high-water mark past the end of the file. bbolt
// validates only magic, version and checksum, so it would use that meta
// when it is the newer one, and read past the file: damage. As the older
// one bbolt never reads it, and the next commit rewrites it.
func TestAMetaPageBboltWouldUseMustFitTheFile(t *testing.T) {
	raw := fixtureBytes(t)
	metas, pageSize, err := readMetas(raw)
	if err != nil {
		t.Fatal(err)
	}
	newer := 0
	if metas[1].txid > metas[0].txid {
		newer = 1
	}
	for _, page := range []int{newer, 1 - newer} {
		data := append([]byte(nil), raw...)
		m := data[page*pageSize+pageHeaderSize:][:metaSize]
		le.PutUint64(m[40:], 1<<40) // pgid
		sum := fnv.New64a()
		sum.Write(m[:56])
		le.PutUint64(m[56:], sum.Sum64())
		report, err := checkPages(data)
		if page == newer && err == nil {
			t.Errorf("the newer meta page %d points past the file and passed: %+v", page, report)
		}
		if page != newer && (err != nil || report.damagedMeta != page) {
			t.Errorf("the older meta page %d points past the file: %+v, %v; want it reported damaged, the file usable", page, report, err)
		}
	}
}
