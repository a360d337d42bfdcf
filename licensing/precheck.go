package licensing

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// precheckStore looks at a bbolt file's meta pages before bbolt maps it.
// bbolt trusts the page count in its meta page; a truncated or damaged file
// that claims pages beyond its end makes the mapped read fault (SIGBUS),
// which no recover can catch. This refuses such a file first. The layout is
// bbolt's on-disk format, version 2: a 16-byte page header, then the meta
// fields, checksummed with FNV-64a.
func precheckStore(path string) error {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if size == 0 {
		return nil
	}
	const (
		pageHeader = 16
		magic      = 0xED0CDAED
		metaSum    = 56 // bytes of meta covered by the checksum
	)
	type meta struct {
		pageSize             uint32
		root, freelist, high uint64
		txid                 uint64
	}
	ne := binary.NativeEndian
	readMeta := func(off int64) (*meta, bool) {
		b := make([]byte, pageHeader+metaSum+8)
		if _, err := f.ReadAt(b, off); err != nil && err != io.EOF {
			return nil, false
		}
		m := b[pageHeader:]
		h := fnv.New64a()
		h.Write(m[:metaSum])
		if ne.Uint32(m[0:]) != magic || ne.Uint32(m[4:]) != 2 || h.Sum64() != ne.Uint64(m[metaSum:]) {
			return nil, false
		}
		return &meta{pageSize: ne.Uint32(m[8:]), root: ne.Uint64(m[16:]), freelist: ne.Uint64(m[32:]),
			high: ne.Uint64(m[40:]), txid: ne.Uint64(m[48:])}, true
	}
	m0, ok0 := readMeta(0)
	var best *meta
	if ok0 {
		best = m0
	}
	pageSize := int64(4096)
	if ok0 && m0.pageSize >= 512 && m0.pageSize <= 1<<16 {
		pageSize = int64(m0.pageSize)
	}
	if m1, ok := readMeta(pageSize); ok && (best == nil || m1.txid > best.txid) {
		best = m1
	}
	if best == nil {
		return fmt.Errorf("no valid meta page")
	}
	ps := int64(best.pageSize)
	if ps < 512 || ps > 1<<16 {
		return fmt.Errorf("page size %d", ps)
	}
	if best.high < 2 || best.high > uint64(size/ps) {
		return fmt.Errorf("meta claims %d pages of %d bytes, file holds %d bytes", best.high, ps, size)
	}
	if best.root >= best.high {
		return fmt.Errorf("root page %d beyond page count %d", best.root, best.high)
	}
	if best.freelist != ^uint64(0) {
		if best.freelist >= best.high {
			return fmt.Errorf("freelist page %d beyond page count %d", best.freelist, best.high)
		}
		hdr := make([]byte, pageHeader)
		if _, err := f.ReadAt(hdr, int64(best.freelist)*ps); err != nil {
			return fmt.Errorf("read freelist page: %v", err)
		}
		if best.freelist+1+uint64(ne.Uint32(hdr[12:])) > best.high {
			return fmt.Errorf("freelist page %d overflows the file", best.freelist)
		}
	}
	return nil
}
