package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
)

// checkPages is the deep, read-only check of a bbolt file's bytes. It reads
// the layout of go.etcd.io/bbolt v1.4.3 (internal/common/page.go, meta.go,
// bucket.go) itself, with every offset bounds-checked, because bbolt trusts
// its pages: a damaged one makes it panic, or read outside its memory map,
// which kills the process where no recover can help. So nothing hands a file
// to bbolt's tree code, or opens it for writing, before checkPages passed.
//
// It checks both meta pages (header, magic, version, checksum), and from
// the meta bbolt would use, the freelist page and every branch and leaf page
// of every bucket, inline buckets included: header id and flags, overflow
// and element bounds, key order, no page used twice, no page both used and
// free, no page below the high-water mark neither used nor free (as bbolt's
// Tx.Check does).
func checkPages(data []byte) (pageReport, error) {
	metas, pageSize, err := readMetas(data)
	if err != nil {
		return pageReport{}, err
	}
	// bbolt uses the newest meta that passes its Validate (db.go, DB.meta);
	// it looks at neither the page header nor the file size, so the choice
	// does not either, and a chosen meta that does not fit the file is
	// damage: bbolt would read past the end.
	chosen := 0
	if metas[0].invalid != nil || (metas[1].invalid == nil && metas[1].txid > metas[0].txid) {
		chosen = 1
	}
	use := metas[chosen]
	if use.err != nil {
		return pageReport{}, fmt.Errorf("meta page %d: %w", chosen, use.err)
	}
	report := pageReport{damagedMeta: -1}
	for i, m := range metas {
		if problem := m.problem(); problem != nil {
			if report.damagedMeta >= 0 {
				return pageReport{}, fmt.Errorf("both meta pages are damaged (%v; %v)", metas[0].problem(), problem)
			}
			report.damagedMeta = i
		}
	}
	w := &pageWalker{data: data, pageSize: uint64(pageSize), meta: use, used: make([]bool, use.pgid)}
	if err := w.walk(); err != nil {
		return pageReport{}, err
	}
	return report, nil
}

// pageReport is what checkPages found in a usable file.
type pageReport struct {
	// damagedMeta is the meta page (0 or 1) that failed its check while the
	// other one, and everything it leads to, passed; -1 when both passed.
	// bbolt then uses the good one: the damaged one is a torn last commit.
	damagedMeta int
}

// bbolt's on-disk constants (internal/common/types.go, page.go).
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16 // id u64, flags u16, count u16, overflow u32
	elementSize      = 16 // branch: pos u32, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	metaSize         = 64 // magic, version, pageSize, flags u32; root, sequence, freelist, pgid, txid, checksum u64
	bucketHeaderSize = 16 // root u64, sequence u64
	branchFlag       = 0x01
	leafFlag         = 0x02
	metaFlag         = 0x04
	freelistFlag     = 0x10
	bucketLeafFlag   = 0x01
	noFreelist       = ^uint64(0)
	freelistOverflow = 0xFFFF // the count is then the first id slot
	minPageSize      = 1024
	maxPageSize      = 1024 << 14 // the largest bbolt looks for (db.go, getPageSizeFromSecondMeta)
)

var le = binary.LittleEndian // bbolt writes native order; LiveRoute's targets are all little-endian

// meta is one decoded meta page. invalid says why bbolt would not use it
// (magic, version, checksum), err why LiveRoute would not (it does not fit
// the file), headerErr why its page header is damaged.
type meta struct {
	pageSize, root, freelist, pgid, txid uint64
	invalid, err, headerErr              error
}

func (m meta) problem() error { return cmp.Or(m.invalid, m.err, m.headerErr) }

// readMetas decodes both meta pages and returns the page size, found as
// bbolt finds it (db.go, getPageSize). It fails when bbolt would use neither.
func readMetas(data []byte) ([2]meta, int, error) {
	m0 := decodeMeta(data, 0, 0)
	pageSize := int(m0.pageSize)
	if m0.invalid != nil {
		// Like bbolt, find meta 1 by trying every page size.
		pageSize = 0
		for size := minPageSize; size <= maxPageSize; size <<= 1 {
			if m := decodeMeta(data, size, 1); m.invalid == nil && int(m.pageSize) == size {
				pageSize = size
				break
			}
		}
		if pageSize == 0 {
			return [2]meta{}, 0, fmt.Errorf("both meta pages are damaged (%v)", m0.invalid)
		}
	}
	m1 := decodeMeta(data, pageSize, 1)
	if m1.invalid == nil && int(m1.pageSize) != pageSize {
		m1.err = fmt.Errorf("meta page 1 says pages are %d bytes, meta page 0 says %d", m1.pageSize, pageSize)
	}
	metas := [2]meta{m0, m1}
	for i := range metas {
		if metas[i].invalid == nil && metas[i].err == nil {
			metas[i].err = metas[i].fits(len(data))
		}
	}
	if metas[0].invalid != nil && metas[1].invalid != nil {
		return metas, 0, fmt.Errorf("both meta pages are damaged (%v; %v)", metas[0].invalid, metas[1].invalid)
	}
	return metas, pageSize, nil
}

// decodeMeta reads the meta page id found at byte offset at.
func decodeMeta(data []byte, at int, id uint64) meta {
	if at < 0 || len(data) < at+pageHeaderSize+metaSize {
		return meta{invalid: fmt.Errorf("meta page %d is past the end of the file", id)}
	}
	p := data[at:]
	var headerErr error
	if le.Uint64(p) != id || le.Uint16(p[8:]) != metaFlag {
		headerErr = fmt.Errorf("meta page %d has a damaged header", id)
	}
	m := p[pageHeaderSize : pageHeaderSize+metaSize]
	sum := fnv.New64a() // the checksum covers the meta up to itself (meta.go, Sum64)
	_, _ = sum.Write(m[:56])
	switch {
	case le.Uint32(m) != boltMagic:
		return meta{invalid: fmt.Errorf("meta page %d is not a bbolt meta page", id)}
	case le.Uint32(m[4:]) != boltVersion:
		return meta{invalid: fmt.Errorf("meta page %d has bbolt version %d", id, le.Uint32(m[4:]))}
	case le.Uint64(m[56:]) != sum.Sum64():
		return meta{invalid: fmt.Errorf("meta page %d fails its checksum", id)}
	}
	return meta{pageSize: uint64(le.Uint32(m[8:])), root: le.Uint64(m[16:]), freelist: le.Uint64(m[32:]),
		pgid: le.Uint64(m[40:]), txid: le.Uint64(m[48:]), headerErr: headerErr}
}

// fits checks a checksummed meta against the file: a meta bbolt wrote can
// still point past a file that was cut short.
func (m meta) fits(fileSize int) error {
	switch {
	case m.pageSize < minPageSize || m.pageSize > maxPageSize || m.pageSize&(m.pageSize-1) != 0:
		return fmt.Errorf("the page size %d is not one bbolt uses", m.pageSize)
	case m.pgid < 3 || m.pgid > uint64(fileSize)/m.pageSize:
		return fmt.Errorf("the file ends before its last page (%d pages of %d bytes, file %d bytes)", m.pgid, m.pageSize, fileSize)
	case m.root < 2 || m.root >= m.pgid:
		return fmt.Errorf("the root page %d is outside the file", m.root)
	case m.freelist == noFreelist:
		return errors.New("the file has no freelist page; LiveRoute always writes one")
	case m.freelist < 2 || m.freelist >= m.pgid:
		return fmt.Errorf("the freelist page %d is outside the file", m.freelist)
	}
	return nil
}

// pageWalker walks the pages reachable from one meta.
type pageWalker struct {
	data     []byte
	pageSize uint64
	meta     meta
	used     []bool // by page id, below the high-water mark
}

// walk checks the freelist and the bucket tree, then that every page is
// either used or free and never both.
func (w *pageWalker) walk() error {
	w.used[0], w.used[1] = true, true
	freelistSpan, err := w.claim(w.meta.freelist, freelistFlag)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	free, err := freePages(freelistSpan, w.meta.freelist, w.meta.pgid)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	if err := w.tree(w.meta.root, nil, nil, 0); err != nil {
		return err
	}
	for id, isUsed := range w.used {
		switch {
		case isUsed && free[uint64(id)]:
			return fmt.Errorf("page %d is in use and also listed free", id)
		case !isUsed && !free[uint64(id)]:
			return fmt.Errorf("page %d is neither in use nor free", id)
		}
	}
	return nil
}

// claim marks page id and its overflow pages used and returns their bytes,
// checking that they lie in the file, are used once, and carry flags.
func (w *pageWalker) claim(id uint64, flags ...uint16) ([]byte, error) {
	if id < 2 || id >= w.meta.pgid {
		return nil, fmt.Errorf("page %d is outside the file", id)
	}
	at := id * w.pageSize
	header := w.data[at : at+pageHeaderSize]
	if got := le.Uint64(header); got != id {
		return nil, fmt.Errorf("page %d calls itself page %d", id, got)
	}
	last := id + uint64(le.Uint32(header[12:]))
	if last >= w.meta.pgid {
		return nil, fmt.Errorf("page %d runs past the end of the file", id)
	}
	for p := id; p <= last; p++ {
		if w.used[p] {
			return nil, fmt.Errorf("page %d is used twice", p)
		}
		w.used[p] = true
	}
	got := le.Uint16(header[8:])
	for _, f := range flags {
		if got == f {
			return w.data[at : (last+1)*w.pageSize], nil
		}
	}
	return nil, fmt.Errorf("page %d has the wrong type (flags %#x)", id, got)
}

// freePages reads a freelist page (freelist/shared.go, Read and Write).
func freePages(page []byte, self, pgid uint64) (map[uint64]bool, error) {
	start, count := uint64(pageHeaderSize), uint64(le.Uint16(page[10:]))
	if count == freelistOverflow {
		if len(page) < pageHeaderSize+8 {
			return nil, errors.New("the freelist page is cut short")
		}
		count, start = le.Uint64(page[pageHeaderSize:]), start+8
	}
	if count > (uint64(len(page))-start)/8 {
		return nil, fmt.Errorf("page %d lists %d free pages, more than it holds", self, count)
	}
	free := make(map[uint64]bool, count)
	for i := range count {
		id := le.Uint64(page[start+8*i:])
		if id < 2 || id >= pgid || free[id] {
			return nil, fmt.Errorf("page %d lists page %d as free, which cannot be", self, id)
		}
		free[id] = true
	}
	return free, nil
}

// maxTreeDepth bounds the recursion; a real tree is a handful deep.
const maxTreeDepth = 64

// tree checks the branch or leaf page id and everything below it. Every
// key must lie in [lo, hi) (hi nil: no bound), as the parent branch says.
func (w *pageWalker) tree(id uint64, lo, hi []byte, depth int) error {
	if depth > maxTreeDepth {
		return fmt.Errorf("page %d: the tree is deeper than any bbolt writes", id)
	}
	page, err := w.claim(id, branchFlag, leafFlag)
	if err != nil {
		return err
	}
	if le.Uint16(page[8:]) == leafFlag {
		return w.leaf(id, page, lo, hi, depth)
	}
	return w.branch(id, page, lo, hi, depth)
}

// branch checks a branch page and the pages it points to.
func (w *pageWalker) branch(id uint64, page, lo, hi []byte, depth int) error {
	count := int(le.Uint16(page[10:]))
	if count == 0 {
		return fmt.Errorf("page %d is an empty branch", id)
	}
	keys := make([][]byte, count)
	children := make([]uint64, count)
	for i := range count {
		e, err := element(page, i)
		if err != nil {
			return fmt.Errorf("page %d: %w", id, err)
		}
		key, err := span(page, e, le.Uint32(e[0:]), le.Uint32(e[4:]), 0)
		if err != nil {
			return fmt.Errorf("page %d, element %d: %w", id, i, err)
		}
		keys[i], children[i] = key, le.Uint64(e[8:])
	}
	if err := inOrder(keys, lo, hi); err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	for i, child := range children {
		childHi := hi
		if i+1 < count {
			childHi = keys[i+1]
		}
		if err := w.tree(child, keys[i], childHi, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// leaf checks a leaf page; its bucket entries lead to sub-buckets.
func (w *pageWalker) leaf(id uint64, page, lo, hi []byte, depth int) error {
	keys, buckets, err := leafEntries(page)
	if err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	if err := inOrder(keys, lo, hi); err != nil {
		return fmt.Errorf("page %d: %w", id, err)
	}
	for _, b := range buckets {
		if err := w.bucket(b, depth); err != nil {
			return fmt.Errorf("bucket %q: %w", b.name, err)
		}
	}
	return nil
}

type bucketEntry struct{ name, value []byte }

// bucket checks a sub-bucket: a tree of its own, or an inline page in its
// value (bucket.go, openBucket; an inline bucket holds no sub-bucket).
func (w *pageWalker) bucket(b bucketEntry, depth int) error {
	if len(b.value) < bucketHeaderSize {
		return errors.New("the bucket header is cut short")
	}
	if root := le.Uint64(b.value); root != 0 {
		return w.tree(root, nil, nil, depth+1)
	}
	inline := b.value[bucketHeaderSize:]
	if len(inline) < pageHeaderSize || le.Uint16(inline[8:]) != leafFlag {
		return errors.New("the inline bucket is not a leaf page")
	}
	keys, nested, err := leafEntries(inline)
	if err != nil {
		return fmt.Errorf("inline page: %w", err)
	}
	if len(nested) > 0 {
		return errors.New("an inline bucket holds a bucket, which bbolt never writes")
	}
	return inOrder(keys, nil, nil)
}

// leafEntries reads a leaf page's keys and its bucket entries.
func leafEntries(page []byte) (keys [][]byte, buckets []bucketEntry, err error) {
	count := int(le.Uint16(page[10:]))
	keys = make([][]byte, count)
	for i := range count {
		e, err := element(page, i)
		if err != nil {
			return nil, nil, err
		}
		flags, pos, ksize, vsize := le.Uint32(e), le.Uint32(e[4:]), le.Uint32(e[8:]), le.Uint32(e[12:])
		if flags&^bucketLeafFlag != 0 {
			return nil, nil, fmt.Errorf("element %d has unknown flags %#x", i, flags)
		}
		key, err := span(page, e, pos, ksize, 0)
		if err != nil {
			return nil, nil, fmt.Errorf("element %d key: %w", i, err)
		}
		value, err := span(page, e, pos, vsize, ksize)
		if err != nil {
			return nil, nil, fmt.Errorf("element %d value: %w", i, err)
		}
		keys[i] = key
		if flags&bucketLeafFlag != 0 {
			buckets = append(buckets, bucketEntry{name: key, value: value})
		}
	}
	return keys, buckets, nil
}

// element returns the i-th element header of page.
func element(page []byte, i int) ([]byte, error) {
	at := pageHeaderSize + i*elementSize
	if at+elementSize > len(page) {
		return nil, fmt.Errorf("element %d lies past the page end", i)
	}
	return page[at : at+elementSize], nil
}

// span returns size bytes at pos+skip from the element header e (bbolt
// stores positions relative to the element), checked against the page.
func span(page, e []byte, pos, size, skip uint32) ([]byte, error) {
	start := uint64(offsetIn(page, e)) + uint64(pos) + uint64(skip)
	end := start + uint64(size)
	if end > uint64(len(page)) {
		return nil, fmt.Errorf("%d bytes at %d lie past the page end (%d)", size, start, len(page))
	}
	return page[start:end], nil
}

// offsetIn is where sub (a slice of page) starts in page.
func offsetIn(page, sub []byte) int { return cap(page) - cap(sub) }

// inOrder checks keys are non-empty, strictly ascending, and in [lo, hi).
func inOrder(keys [][]byte, lo, hi []byte) error {
	for i, k := range keys {
		switch {
		case len(k) == 0:
			return fmt.Errorf("key %d is empty", i)
		case i > 0 && bytes.Compare(keys[i-1], k) >= 0:
			return fmt.Errorf("key %d is out of order", i)
		case lo != nil && bytes.Compare(k, lo) < 0, hi != nil && bytes.Compare(k, hi) >= 0:
			return fmt.Errorf("key %d lies outside its parent's range", i)
		}
	}
	return nil
}
