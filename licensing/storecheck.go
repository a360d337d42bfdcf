package licensing

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// storeFile is a bbolt file read into memory and walked without bbolt.
//
// bbolt maps the file and follows the page numbers, offsets and lengths it
// finds there; a damaged file that points outside the mapping faults the
// process, which no recover catches (and bbolt's own consistency check
// runs on a goroutine of its own). checkStoreFile therefore walks every
// page bbolt could reach, from the meta page bbolt would pick, with bounds
// checks on every number read: a file it accepts cannot make bbolt read
// outside the file. The same walk, told to carry on past damage, reads
// what is left of a store that has to be moved aside (salvageStoreFile).
//
// The layout is bbolt's on-disk format, version 2, in host byte order: a
// 16-byte page header (id, flags, count, overflow), then per page type the
// meta fields (checksummed with FNV-64a), 16-byte branch elements (pos,
// ksize, child page) or 16-byte leaf elements (flags, pos, ksize, vsize);
// a leaf value flagged as a bucket is a 16-byte bucket header (root page,
// sequence), followed by an inline page when the root is 0.
type storeFile struct {
	data     []byte
	pageSize uint64
	pages    uint64 // high water mark: pages in use are below it
	root     uint64 // root bucket's page
	freelist uint64 // ^0: not stored

	salvage bool    // carry on past damage, collecting what reads
	damage  []error // what was skipped while salvaging
	seen    map[uint64]bool
}

const (
	pageHeaderSize  = 16
	elemSize        = 16
	flagBranch      = 0x01
	flagLeaf        = 0x02
	flagFreelist    = 0x10
	leafFlagBucket  = 0x01
	bucketHeader    = 16
	boltMagic       = 0xED0CDAED
	maxTreeDepth    = 64
	maxStoreFileLen = 1 << 30
)

var errPageDamaged = errors.New("damaged page")

// readStoreFile reads path and picks the meta page bbolt would use: the
// valid one with the higher transaction id. An empty or missing file gives
// (nil, nil): bbolt makes a new store.
func readStoreFile(path string) (*storeFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStoreFileLen+1))
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, nil
	}
	if len(data) > maxStoreFileLen {
		return nil, fmt.Errorf("larger than %d bytes", maxStoreFileLen)
	}
	s := &storeFile{data: data}
	ne := binary.NativeEndian
	type meta struct{ pageSize, root, freelist, pages, txid uint64 }
	readMeta := func(off uint64) (meta, bool) {
		const sum = 56 // meta bytes the checksum covers
		if off+pageHeaderSize+sum+8 > uint64(len(data)) {
			return meta{}, false
		}
		m := data[off+pageHeaderSize:]
		h := fnv.New64a()
		h.Write(m[:sum])
		if ne.Uint32(m[0:]) != boltMagic || ne.Uint32(m[4:]) != 2 || h.Sum64() != ne.Uint64(m[sum:]) {
			return meta{}, false
		}
		return meta{pageSize: uint64(ne.Uint32(m[8:])), root: ne.Uint64(m[16:]), freelist: ne.Uint64(m[32:]),
			pages: ne.Uint64(m[40:]), txid: ne.Uint64(m[48:])}, true
	}
	m0, ok0 := readMeta(0)
	second := uint64(4096)
	if ok0 {
		second = m0.pageSize
	}
	m1, ok1 := readMeta(second)
	var m meta
	switch {
	case ok0 && ok1 && m1.txid > m0.txid, !ok0 && ok1:
		m = m1
	case ok0:
		m = m0
	default:
		return nil, errors.New("no valid meta page")
	}
	if m.pageSize < 512 || m.pageSize > 1<<16 || m.pageSize&(m.pageSize-1) != 0 {
		return nil, fmt.Errorf("page size %d", m.pageSize)
	}
	if m.pages < 2 || m.pages > uint64(len(data))/m.pageSize {
		return nil, fmt.Errorf("meta claims %d pages of %d bytes, file holds %d bytes", m.pages, m.pageSize, len(data))
	}
	s.pageSize, s.pages, s.root, s.freelist = m.pageSize, m.pages, m.root, m.freelist
	return s, nil
}

// checkStoreFile accepts a store bbolt can open and read without faulting:
// every page reachable from the chosen meta page lies inside the file, is
// what its parent says it is, is reached once, and is not also on the
// freelist.
func checkStoreFile(path string) error {
	s, err := readStoreFile(path)
	if err != nil || s == nil {
		return err
	}
	s.seen = map[uint64]bool{}
	if err := s.walkBucket(s.root, nil, 0, nil); err != nil {
		return err
	}
	free, err := s.freePages()
	if err != nil {
		return err
	}
	for _, id := range free {
		if s.seen[id] {
			return fmt.Errorf("page %d is both in the tree and free", id)
		}
	}
	return nil
}

// salvageStoreFile reads the key/value pairs of the named top-level buckets
// from a damaged store, skipping what is damaged; damage lists what was
// skipped.
func salvageStoreFile(path string, visit func(bucket, key, value []byte)) (damage []error, err error) {
	s, err := readStoreFile(path)
	if err != nil || s == nil {
		return nil, err
	}
	s.salvage, s.seen = true, map[uint64]bool{}
	err = s.walkBucket(s.root, nil, 0, func(path [][]byte, k, v []byte) {
		if len(path) == 1 {
			visit(path[0], k, v)
		}
	})
	return s.damage, err
}

// page returns page id with its overflow pages, after checking that it lies
// inside the file and below the high water mark.
func (s *storeFile) page(id uint64) ([]byte, error) {
	if id < 2 || id >= s.pages {
		return nil, fmt.Errorf("%w: page %d outside 2..%d", errPageDamaged, id, s.pages-1)
	}
	off := id * s.pageSize
	hdr := s.data[off : off+pageHeaderSize]
	ne := binary.NativeEndian
	if got := ne.Uint64(hdr[0:]); got != id {
		return nil, fmt.Errorf("%w: page %d says it is page %d", errPageDamaged, id, got)
	}
	overflow := uint64(ne.Uint32(hdr[12:]))
	if id+overflow >= s.pages {
		return nil, fmt.Errorf("%w: page %d overflows past page %d", errPageDamaged, id, s.pages-1)
	}
	return s.data[off : off+(overflow+1)*s.pageSize], nil
}

// skip records damage while salvaging, or returns it.
func (s *storeFile) skip(err error) error {
	if !s.salvage {
		return err
	}
	s.damage = append(s.damage, err)
	return nil
}

// walkBucket walks the tree of the bucket whose root is page root (or the
// inline page inline), calling leaf for each key/value that is not itself a
// bucket, with the names of the buckets above it.
func (s *storeFile) walkBucket(root uint64, inline []byte, depth int, leaf func(path [][]byte, k, v []byte)) error {
	return s.walkBucketAt(nil, root, inline, depth, leaf)
}

func (s *storeFile) walkBucketAt(path [][]byte, root uint64, inline []byte, depth int, leaf func(path [][]byte, k, v []byte)) error {
	if inline != nil {
		return s.walkPage(path, inline, 0, depth, true, leaf)
	}
	if s.seen[root] {
		return s.skip(fmt.Errorf("%w: page %d reached twice", errPageDamaged, root))
	}
	p, err := s.page(root)
	if err != nil {
		return s.skip(err)
	}
	s.markSeen(root, p)
	return s.walkPage(path, p, root, depth, false, leaf)
}

func (s *storeFile) markSeen(id uint64, p []byte) {
	for i := uint64(0); i < uint64(len(p))/s.pageSize; i++ {
		s.seen[id+i] = true
	}
}

// walkPage checks one branch or leaf page and walks below it.
func (s *storeFile) walkPage(path [][]byte, p []byte, id uint64, depth int, inline bool, leaf func(path [][]byte, k, v []byte)) error {
	if depth > maxTreeDepth {
		return s.skip(fmt.Errorf("%w: tree deeper than %d", errPageDamaged, maxTreeDepth))
	}
	if len(p) < pageHeaderSize {
		return s.skip(fmt.Errorf("%w: inline page of %d bytes", errPageDamaged, len(p)))
	}
	ne := binary.NativeEndian
	flags, count := ne.Uint16(p[8:]), int(ne.Uint16(p[10:]))
	if pageHeaderSize+count*elemSize > len(p) {
		return s.skip(fmt.Errorf("%w: page %d holds %d elements in %d bytes", errPageDamaged, id, count, len(p)))
	}
	// field returns the n bytes at element i's offset pos, if inside p.
	field := func(i int, pos, n uint64) ([]byte, bool) {
		start := uint64(pageHeaderSize+i*elemSize) + pos
		if start < uint64(pageHeaderSize+i*elemSize) || n > uint64(len(p)) || start > uint64(len(p))-n {
			return nil, false
		}
		return p[start : start+n], true
	}
	switch {
	case flags == flagBranch && !inline:
		for i := 0; i < count; i++ {
			e := p[pageHeaderSize+i*elemSize:]
			if _, ok := field(i, uint64(ne.Uint32(e[0:])), uint64(ne.Uint32(e[4:]))); !ok {
				if err := s.skip(fmt.Errorf("%w: page %d: key %d outside the page", errPageDamaged, id, i)); err != nil {
					return err
				}
				continue
			}
			child := ne.Uint64(e[8:])
			if err := s.walkBucketAt(path, child, nil, depth+1, leaf); err != nil {
				return err
			}
		}
		return nil
	case flags == flagLeaf:
		for i := 0; i < count; i++ {
			e := p[pageHeaderSize+i*elemSize:]
			eflags, pos, ksize, vsize := ne.Uint32(e[0:]), uint64(ne.Uint32(e[4:])), uint64(ne.Uint32(e[8:])), uint64(ne.Uint32(e[12:]))
			kv, ok := field(i, pos, ksize+vsize)
			if !ok {
				if err := s.skip(fmt.Errorf("%w: page %d: element %d outside the page", errPageDamaged, id, i)); err != nil {
					return err
				}
				continue
			}
			k, v := kv[:ksize], kv[ksize:]
			if eflags&leafFlagBucket == 0 {
				if leaf != nil {
					leaf(path, k, v)
				}
				continue
			}
			if len(v) < bucketHeader {
				if err := s.skip(fmt.Errorf("%w: page %d: bucket %d header of %d bytes", errPageDamaged, id, i, len(v))); err != nil {
					return err
				}
				continue
			}
			sub := append(append([][]byte{}, path...), k)
			var err error
			if root := ne.Uint64(v[0:]); root == 0 {
				err = s.walkBucketAt(sub, 0, v[bucketHeader:], depth+1, leaf)
			} else {
				err = s.walkBucketAt(sub, root, nil, depth+1, leaf)
			}
			if err != nil {
				return err
			}
		}
		return nil
	}
	return s.skip(fmt.Errorf("%w: page %d has flags %#x", errPageDamaged, id, flags))
}

// freePages returns the pages the freelist holds, checking them as bbolt
// reads them.
func (s *storeFile) freePages() ([]uint64, error) {
	if s.freelist == ^uint64(0) {
		return nil, nil
	}
	p, err := s.page(s.freelist)
	if err != nil {
		return nil, fmt.Errorf("freelist: %w", err)
	}
	ne := binary.NativeEndian
	if ne.Uint16(p[8:]) != flagFreelist {
		return nil, fmt.Errorf("freelist page %d has flags %#x", s.freelist, ne.Uint16(p[8:]))
	}
	count, start := uint64(ne.Uint16(p[10:])), uint64(pageHeaderSize)
	if count == 0xFFFF { // the real count is the first element
		if len(p) < pageHeaderSize+8 {
			return nil, fmt.Errorf("freelist page %d cut short", s.freelist)
		}
		count, start = ne.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if count > (uint64(len(p))-start)/8 {
		return nil, fmt.Errorf("freelist page %d: %d ids do not fit", s.freelist, count)
	}
	ids := make([]uint64, count)
	for i := range ids {
		ids[i] = ne.Uint64(p[start+uint64(i)*8:])
		if ids[i] < 2 || ids[i] >= s.pages {
			return nil, fmt.Errorf("freelist page %d: free page %d outside 2..%d", s.freelist, ids[i], s.pages-1)
		}
	}
	for i := uint64(0); i < uint64(len(p))/s.pageSize; i++ {
		ids = append(ids, s.freelist+i) // the freelist's own pages are not the tree's either
	}
	return ids, nil
}
