package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// damageFixture is a real LiveRoute database with 300 routes (so the
// routes bucket has branch and leaf pages of its own, and the small buckets
// are inline) and two backups: day 1's, empty, and day 2's, with the routes.
type damageFixture struct {
	dir      string // holds data/liveroute.db and data/backups
	pageSize int
	backups  []string // newest first, relative to dir
}

const fixtureRoutes = 300

var (
	fixtureOnce sync.Once
	fixture     damageFixture
	fixtureErr  error
	fixtureDir  string
)

// sharedFixture builds the fixture once per test binary: it takes about a
// second and every damage case starts from a copy.
func sharedFixture(t *testing.T) damageFixture {
	t.Helper()
	fixtureOnce.Do(func() { fixture, fixtureErr = buildFixture() })
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixture
}

func buildFixture() (damageFixture, error) {
	dir, err := os.MkdirTemp("", "liveroute-damage-")
	if err != nil {
		return damageFixture{}, err
	}
	fixtureDir = dir
	clock := newClock()
	db, err := Open(filepath.Join(dir, "data", "liveroute.db"), Options{Now: clock.Now})
	if err != nil {
		return damageFixture{}, err
	}
	defer db.Close()
	for i := range fixtureRoutes {
		r := pageRoute(fmt.Sprintf("src%04d", i), "p1")
		r.ID = fmt.Sprintf("route%04d", i)
		if _, err := db.PutRoute(r); err != nil {
			return damageFixture{}, err
		}
	}
	clock.Add(25 * time.Hour)
	if _, err := db.BackupIfDue(); err != nil {
		return damageFixture{}, err
	}
	files, err := db.Backups()
	if err != nil || len(files) != 2 {
		return damageFixture{}, fmt.Errorf("fixture backups %v, %v", files, err)
	}
	fx := damageFixture{dir: dir, pageSize: db.bolt.Info().PageSize}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		fx.backups = append(fx.backups, rel)
	}
	return fx, nil
}

// copyTo copies the fixture into a fresh folder and returns the database path.
func (fx damageFixture) copyTo(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(fx.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(fx.dir, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), raw, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dst, "data", "liveroute.db")
}

// damage is one way to spoil a database file in place.
type damage struct {
	name     string
	pageType string // for the report: meta, freelist, branch, leaf
	spoil    func(t *testing.T, path string, pageSize int)
	// oneMeta: only one meta page is hit and the rest is good, as a commit
	// cut short leaves it; LiveRoute goes on from the other meta page.
	oneMeta  bool
	metaPage uint64 // with oneMeta, the page hit
}

var damages = []damage{
	{"meta page 0", "meta", func(t *testing.T, p string, ps int) { fillPage(t, p, ps, 0) }, true, 0},
	{"meta page 1", "meta", func(t *testing.T, p string, ps int) { fillPage(t, p, ps, 1) }, true, 1},
	{"meta page 0 root field", "meta", func(t *testing.T, p string, _ int) { xorByte(t, p, pageHeaderSize+16) }, true, 0},
	{"both meta pages", "meta", func(t *testing.T, p string, ps int) { fillPage(t, p, ps, 0); fillPage(t, p, ps, 1) }, false, 0},
	{"freelist page", "freelist", func(t *testing.T, p string, ps int) { fillPage(t, p, ps, freelistOf(t, p)) }, false, 0},
	{"freelist frees a page in use", "freelist", freeAPageInUse, false, 0},
	{"branch page of the routes", "branch", func(t *testing.T, p string, ps int) { fillPage(t, p, ps, routesRoot(t, p)) }, false, 0},
	{"branch element pointing past the file", "branch", branchPointsPastTheFile, false, 0},
	{"leaf page of the routes", "leaf", func(t *testing.T, p string, ps int) { fillPage(t, p, ps, usedPageHolding(t, p, `"id":"route0150"`)) }, false, 0},
	{"leaf value running past its page", "leaf", leafValuePastItsPage, false, 0},
	{"leaf page holding the inline buckets", "leaf", func(t *testing.T, p string, ps int) { fillPage(t, p, ps, usedPageHolding(t, p, appMarker)) }, false, 0},
}

// openOutcome is what one Open of a damaged database did, in this process
// or in a child.
type openOutcome struct {
	Crashed        bool     `json:"-"`
	MovedTo        string   `json:"moved_to"`
	RestoredFrom   string   `json:"restored_from"`
	DamagedBackups []string `json:"damaged_backups"`
	KeptInUse      bool     `json:"kept_in_use"`
	Routes         int      `json:"routes"`
	Sentence       string   `json:"sentence"`
	Logged         bool     `json:"logged"` // the sentence is in the activity log
	CleanReopen    bool     `json:"clean_reopen"`
}

func TestDamagedDatabaseNeverCrashesKeepsTheOriginalAndRestoresTheNewestGoodBackup(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	fx := sharedFixture(t)
	tally := &damageTally{types: map[string]bool{}}
	for _, d := range damages {
		for _, newestToo := range []bool{false, true} {
			if d.oneMeta && newestToo {
				continue // no backup is restored for one meta page
			}
			name := d.name
			if newestToo {
				name += ", newest backup damaged too"
			}
			for _, child := range []bool{false, true} {
				where := map[bool]string{false: "in process", true: "in a child"}[child]
				t.Run(name+", "+where, func(t *testing.T) {
					tally.add(d.pageType, runDamageCase(t, fx, d, newestToo, child))
				})
			}
		}
	}
	if !t.Failed() {
		report("store damaged-database test: %s", tally)
	}
}

// runDamageCase spoils a copy of the fixture (and its newest backup when
// newestToo), opens it, and checks what Open did.
func runDamageCase(t *testing.T, fx damageFixture, d damage, newestToo, child bool) caseResult {
	path := fx.copyTo(t)
	root := filepath.Dir(filepath.Dir(path))
	newest, older := filepath.Join(root, fx.backups[0]), filepath.Join(root, fx.backups[1])
	_, current := currentMeta(t, path)
	d.spoil(t, path, fx.pageSize)
	if newestToo {
		d.spoil(t, newest, fx.pageSize)
	}
	original, newestBefore := fileHash(t, path), fileHash(t, newest)

	var got openOutcome
	if child {
		got = openInChild(t, path)
	} else {
		got = openInProcess(t, path)
	}
	res := caseResult{crashed: got.Crashed}
	if got.Crashed {
		return res
	}
	if got.MovedTo == "" || fileHash(t, got.MovedTo) != original {
		t.Errorf("the damaged file was not kept byte for byte: moved to %q", got.MovedTo)
	} else {
		res.kept = true
	}
	if !strings.Contains(got.Sentence, got.MovedTo) || !strings.HasPrefix(got.Sentence, "The database ") {
		t.Errorf("the sentence %q does not say where the damaged file is", got.Sentence)
	}
	if !got.Logged {
		t.Error("the recovery sentence is not in the activity log")
	}
	if !got.CleanReopen {
		t.Error("the next start found the recovered database bad again")
	}
	switch {
	case d.oneMeta:
		res.wantKeptInUse = true
		// The fixture's last commit wrote the last route: when the newest
		// meta page is the damaged one, bbolt goes back to the one before.
		want := fixtureRoutes
		if current.txid%2 == d.metaPage {
			want--
		}
		if !got.KeptInUse || got.RestoredFrom != "" || got.Routes != want {
			t.Errorf("one damaged meta page: %+v, want the file kept in use with %d routes", got, want)
		} else {
			res.keptInUse = true
		}
	case newestToo:
		res.wantRestored, res.wantOlder = true, true
		if got.RestoredFrom != older || got.Routes != 0 || len(got.DamagedBackups) != 1 || got.DamagedBackups[0] != newest {
			t.Errorf("newest backup damaged: %+v, want the older backup %s restored and %s named damaged", got, older, newest)
		} else {
			res.restored, res.older = true, true
		}
		if fileHash(t, newest) != newestBefore {
			t.Error("the damaged backup was changed")
		}
		if !strings.Contains(got.Sentence, "restored the backup from") || !strings.Contains(got.Sentence, newest) {
			t.Errorf("the sentence %q does not say which backups it used and skipped", got.Sentence)
		}
	default:
		res.wantRestored = true
		if got.RestoredFrom != newest || got.Routes != fixtureRoutes || got.KeptInUse {
			t.Errorf("damaged %s: %+v, want the newest backup %s restored with %d routes", d.name, got, newest, fixtureRoutes)
		} else {
			res.restored = true
		}
		if !strings.Contains(got.Sentence, "restored the backup from 30 Nov 2026 10:00 UTC") {
			t.Errorf("the sentence %q does not date the restored backup", got.Sentence)
		}
	}
	return res
}

// openInProcess opens the damaged database here: a panic fails the test
// binary, which the child variant turns into a counted crash.
func openInProcess(t *testing.T, path string) openOutcome {
	t.Helper()
	clock := newClock()
	clock.Add(26 * time.Hour) // no backup is due: the backups stay as they are
	out, err := openAndDescribe(path, clock.Now)
	if err != nil {
		t.Fatalf("Open of a damaged database: %v", err)
	}
	return out
}

// openAndDescribe opens path, describes what Open did, and opens it once
// more to see that the recovered file is clean.
func openAndDescribe(path string, now func() time.Time) (openOutcome, error) {
	db, err := Open(path, Options{Now: now})
	if err != nil {
		return openOutcome{}, err
	}
	rec := db.Recovered()
	if rec == nil {
		db.Close()
		return openOutcome{}, fmt.Errorf("no recovery reported")
	}
	out := openOutcome{MovedTo: rec.MovedTo, RestoredFrom: rec.RestoredFrom, DamagedBackups: rec.DamagedBackups,
		KeptInUse: rec.KeptInUse, Sentence: rec.Error()}
	routes, err := db.Routes()
	out.Routes = len(routes)
	acts, aerr := db.Activities(10)
	for _, a := range acts {
		out.Logged = out.Logged || (a.Kind == "database" && a.Message == out.Sentence)
	}
	if cerr := db.Close(); err == nil {
		err = errors.Join(aerr, cerr)
	}
	if err != nil {
		return out, err
	}
	again, err := Open(path, Options{Now: now})
	if err != nil {
		return out, fmt.Errorf("reopen: %w", err)
	}
	out.CleanReopen = again.Recovered() == nil
	return out, again.Close()
}

// childOpenDamaged is the child role: it opens LIVEROUTE_STORE_DB and
// prints what Open did as JSON. A panic kills it with a non-zero status.
func childOpenDamaged() {
	out, err := openAndDescribe(os.Getenv("LIVEROUTE_STORE_DB"), time.Now)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

// openInChild opens the damaged database in a child process, where a panic
// (or a fault outside the memory map) kills only the child.
func openInChild(t *testing.T, path string) openOutcome {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=open-damaged", "LIVEROUTE_STORE_DB="+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("the child crashed opening the damaged database: %v\n%s", err, firstLines(stderr.String(), 8))
		return openOutcome{Crashed: true}
	}
	var out openOutcome
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("child said %q: %v", stdout.String(), err)
	}
	return out
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// caseResult and damageTally count the outcomes for the report line.
type caseResult struct {
	crashed, kept            bool
	wantRestored, restored   bool
	wantOlder, older         bool
	wantKeptInUse, keptInUse bool
}

type damageTally struct {
	types                                    map[string]bool
	opens, crashes, kept                     int
	wantRestored, restored, wantOlder, older int
	wantKeptInUse, keptInUse                 int
}

func (d *damageTally) add(pageType string, r caseResult) {
	d.types[pageType] = true
	d.opens++
	count := func(n *int, b bool) {
		if b {
			*n++
		}
	}
	count(&d.crashes, r.crashed)
	count(&d.kept, r.kept)
	count(&d.wantRestored, r.wantRestored)
	count(&d.restored, r.restored)
	count(&d.wantOlder, r.wantOlder)
	count(&d.older, r.older)
	count(&d.wantKeptInUse, r.wantKeptInUse)
	count(&d.keptInUse, r.keptInUse)
}

func (d *damageTally) String() string {
	types := make([]string, 0, len(d.types))
	for _, t := range []string{"meta", "freelist", "branch", "leaf"} {
		if d.types[t] {
			types = append(types, t)
		}
	}
	return fmt.Sprintf("%d starts (in process and in a child) on files damaged in %s pages: crashes %d, damaged files kept byte-identical %d/%d, "+
		"newest good backup restored %d/%d (older one when the newest was damaged too %d/%d), one damaged meta page: went on from the other %d/%d",
		d.opens, strings.Join(types, ", "), d.crashes, d.kept, d.opens, d.restored, d.wantRestored, d.older, d.wantOlder, d.keptInUse, d.wantKeptInUse)
}

// report prints a line and appends it to the file LIVEROUTE_TEST_REPORT
// names (as app/relay's fault test does): `make test` prints that file.
func report(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	fmt.Println(line)
	if path := os.Getenv("LIVEROUTE_TEST_REPORT"); path != "" {
		if f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(raw)
}

// The spoilers below locate pages in the still-good file, then overwrite
// bytes in place.

func writeAt(t *testing.T, path string, at int64, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, at); err != nil {
		t.Fatal(err)
	}
}

// fillPage overwrites page id with 0xff bytes.
func fillPage(t *testing.T, path string, pageSize int, id uint64) {
	t.Helper()
	writeAt(t, path, int64(id)*int64(pageSize), bytes.Repeat([]byte{0xff}, pageSize))
}

func xorByte(t *testing.T, path string, at int64) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	writeAt(t, path, at, []byte{raw[at] ^ 0x5a})
}

// currentMeta reads, straight from the file, the meta bbolt uses.
func currentMeta(t *testing.T, path string) (raw []byte, m meta) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	metas, _, err := readMetas(raw)
	if err != nil {
		t.Fatal(err)
	}
	m = metas[0]
	if metas[1].txid > m.txid {
		m = metas[1]
	}
	return raw, m
}

func freelistOf(t *testing.T, path string) uint64 {
	t.Helper()
	_, m := currentMeta(t, path)
	return m.freelist
}

// routesRoot is the root page of the routes bucket, a branch page in the
// fixture.
func routesRoot(t *testing.T, path string) uint64 {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var root uint64
	err = b.View(func(tx *bolt.Tx) error {
		root = uint64(tx.Bucket(bucketRoutes).Root())
		info, err := tx.Page(int(root))
		if err == nil && info.Type != "branch" {
			err = fmt.Errorf("the routes root page %d is a %s page, want a branch", root, info.Type)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// usedPageHolding is the page in use that holds needle (a freed old copy
// of a page may hold it too).
func usedPageHolding(t *testing.T, path, needle string) uint64 {
	t.Helper()
	raw, m := currentMeta(t, path)
	w := &pageWalker{data: raw, pageSize: m.pageSize, meta: m, used: make([]bool, m.pgid)}
	if err := w.walk(); err != nil {
		t.Fatalf("the fixture is not good: %v", err)
	}
	for from := 0; ; {
		at := bytes.Index(raw[from:], []byte(needle))
		if at < 0 {
			t.Fatalf("no page in use holds %s", needle)
		}
		id := uint64(from+at) / m.pageSize
		// A page with overflow is used from its first page on.
		if id < uint64(len(w.used)) && w.used[id] {
			for id > 0 && le.Uint16(raw[id*m.pageSize+8:]) != leafFlag {
				id--
			}
			return id
		}
		from += at + 1
	}
}

// freeAPageInUse makes the freelist list the routes root page as free: a
// well-formed freelist that would let bbolt hand a live page out again.
func freeAPageInUse(t *testing.T, path string, pageSize int) {
	t.Helper()
	raw, m := currentMeta(t, path)
	at := m.freelist * m.pageSize
	count := le.Uint16(raw[at+10:])
	if count == 0 {
		writeAt(t, path, int64(at+10), binary.LittleEndian.AppendUint16(nil, 1))
	}
	writeAt(t, path, int64(at+pageHeaderSize), binary.LittleEndian.AppendUint64(nil, routesRoot(t, path)))
}

// branchPointsPastTheFile points the routes root's first child far past
// the end of the file: bbolt would read outside its memory map.
func branchPointsPastTheFile(t *testing.T, path string, pageSize int) {
	t.Helper()
	root := routesRoot(t, path)
	writeAt(t, path, int64(root)*int64(pageSize)+pageHeaderSize+8, binary.LittleEndian.AppendUint64(nil, 1<<40))
}

// leafValuePastItsPage makes the first value of the leaf holding a route
// claim 2 GB.
func leafValuePastItsPage(t *testing.T, path string, pageSize int) {
	t.Helper()
	id := usedPageHolding(t, path, `"id":"route0150"`)
	writeAt(t, path, int64(id)*int64(pageSize)+pageHeaderSize+12, binary.LittleEndian.AppendUint32(nil, 1<<31))
}

func TestEveryBackupDamagedStartsEmptyOnceAndSaysSo(t *testing.T) {
	fx := sharedFixture(t)
	path := fx.copyTo(t)
	root := filepath.Dir(filepath.Dir(path))
	var backups []string
	before := map[string][32]byte{}
	for _, rel := range fx.backups {
		b := filepath.Join(root, rel)
		fillPage(t, b, fx.pageSize, 0)
		fillPage(t, b, fx.pageSize, 1)
		backups = append(backups, b)
		before[b] = fileHash(t, b)
	}
	fillPage(t, path, fx.pageSize, freelistOf(t, path))
	original := fileHash(t, path)

	clock := newClock()
	clock.Add(26 * time.Hour)
	out, err := openAndDescribe(path, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	if out.RestoredFrom != "" || out.Routes != 0 || !slices.Equal(out.DamagedBackups, backups) {
		t.Errorf("every backup damaged: %+v, want an empty start that names %v", out, backups)
	}
	if fileHash(t, out.MovedTo) != original {
		t.Error("the damaged file was not kept byte for byte")
	}
	for b, h := range before {
		if fileHash(t, b) != h {
			t.Errorf("the damaged backup %s was changed", b)
		}
	}
	if !strings.Contains(out.Sentence, "started empty because no backup was usable") || !out.Logged || !out.CleanReopen {
		t.Errorf("the sentence %q (logged %v, clean reopen %v)", out.Sentence, out.Logged, out.CleanReopen)
	}
}
