// Package imagebomb writes small image files whose headers declare far
// more pixels than their data can hold (decompression bombs), for the
// tests of the decoders that must refuse them before making a buffer for
// those pixels, and holds a valid file of a kind they do not take
// (RLE8BMP). It depends on nothing of scannerd.
package imagebomb

import (
	"bytes"
	"compress/lzw"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// PNG colour types (the PNG specification, 2nd edition, 11.2.2).
const (
	Gray = 0
	RGB  = 2
	RGBA = 6
)

// PNG returns a PNG declaring w×h pixels of colour type colorType at depth
// bits a sample, interlaced (Adam7) or not, whose one IDAT chunk holds
// the zlib stream of raw zero bytes (a few dozen bytes for 64 KiB),
// far less than its pixels need: the file is whole and its CRCs right.
func PNG(w, h uint32, depth, colorType byte, interlaced bool, raw int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = depth, colorType
	if interlaced {
		ihdr[12] = 1
	}
	chunk(&b, "IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	zw.Write(make([]byte, raw))
	zw.Close()
	chunk(&b, "IDAT", z.Bytes())
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

func chunk(b *bytes.Buffer, kind string, data []byte) {
	binary.Write(b, binary.BigEndian, uint32(len(data)))
	c := append([]byte(kind), data...)
	b.Write(c)
	binary.Write(b, binary.BigEndian, crc32.ChecksumIEEE(c))
}

// BMP returns the 54 bytes of an uncompressed 24-bit BMP's file and info
// headers declaring w×h pixels, and no pixels.
func BMP(w, h int32) []byte {
	b := make([]byte, 54)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[2:], 54)
	binary.LittleEndian.PutUint32(b[10:], 54) // pixels' offset
	binary.LittleEndian.PutUint32(b[14:], 40) // BITMAPINFOHEADER
	binary.LittleEndian.PutUint32(b[18:], uint32(w))
	binary.LittleEndian.PutUint32(b[22:], uint32(h))
	binary.LittleEndian.PutUint16(b[26:], 1)  // planes
	binary.LittleEndian.PutUint16(b[28:], 24) // bits a pixel
	return b
}

// ProgressiveJPEG returns a progressive JPEG (ITU T.81, Annex G) declaring
// w×h gray pixels: a quantisation table, the frame header, a DC Huffman
// table, the header of its first (DC) scan and two bytes of it, and the
// end of the image.
func ProgressiveJPEG(w, h uint16) []byte {
	var b bytes.Buffer
	b.WriteString("\xff\xd8")
	segment := func(marker byte, data []byte) {
		b.Write([]byte{0xff, marker})
		binary.Write(&b, binary.BigEndian, uint16(len(data)+2))
		b.Write(data)
	}
	dqt := append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)
	segment(0xdb, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 1, 1, 0x11, 0}
	segment(0xc2, sof)
	dht := append([]byte{0x00, 1}, make([]byte, 15)...) // one 1-bit code: category 0
	dht = append(dht, 0)
	segment(0xc4, dht)
	segment(0xda, []byte{1, 1, 0x00, 0, 0, 0}) // component 1, DC first scan
	b.Write([]byte{0x00, 0x00, 0xff, 0xd9})
	return b.Bytes()
}

// GIF returns a GIF89a whose logical screen and one image are w×h pixels
// of a two-colour global table, the image's data the LZW codes (minimum
// code size 2) of raw pixels of colour 0, in sub-blocks of 255 bytes:
// whole and decodable when raw is w×h, a bomb when raw is far less.
func GIF(w, h uint16, raw int) []byte {
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, [2]uint16{w, h})
	b.Write([]byte{0x80, 0, 0})                // a global table of 2 colours
	b.Write([]byte{0, 0, 0, 0xff, 0xff, 0xff}) // black, white
	b.WriteByte(0x2c)
	binary.Write(&b, binary.LittleEndian, [4]uint16{0, 0, w, h})
	b.Write([]byte{0, 2}) // no local table; LZW minimum code size
	var z bytes.Buffer
	zw := lzw.NewWriter(&z, lzw.LSB, 2)
	zw.Write(make([]byte, raw))
	zw.Close()
	for codes := z.Bytes(); len(codes) > 0; {
		n := min(len(codes), 255)
		b.WriteByte(byte(n))
		b.Write(codes[:n])
		codes = codes[n:]
	}
	b.Write([]byte{0, 0x3b}) // the block terminator, the trailer
	return b.Bytes()
}

// Case is a bomb and the words the refusal of it must contain.
type Case struct {
	Name string
	Data []byte
	Want string
}

// Known are the bombs found to cost hundreds of megabytes before the
// header check (files of a few dozen bytes, within the 100 megapixels
// scanctl decode allows), with the refusal each must get.
func Known() []Case {
	return []Case{
		// The daemon's decoder allocated 200 MB for it (RGBA64).
		{"png 5000×5000 16-bit RGBA", PNG(5000, 5000, 16, RGBA, false, 64<<10),
			"bytes of image data cannot hold the 200005000 of 5000×5000 pixels"},
		// Left to OpenCV, which allocated 368 MB and printed libpng's error.
		{"png 10000×10000 RGB interlaced", PNG(10000, 10000, 8, RGB, true, 16),
			"bytes of image data cannot hold the 300018750 of 10000×10000 pixels"},
		{"bmp 10000×10000 header only", BMP(10000, 10000),
			"bmp: 0 bytes of pixel data cannot hold the 300000000 of 10000×10000 pixels"},
		{"progressive jpeg 10000×10000", ProgressiveJPEG(10000, 10000),
			"bytes cannot hold the 1562500 blocks of 10000×10000 pixels"},
		// Go's decoder made the image's 100 MB buffer before it read a code.
		{"gif 10000×10000", GIF(10000, 10000, 16),
			"gif: 4 bytes of image data cannot hold the 100000000 of its first image's 10000×10000 pixels"},
	}
}

// RLE8BMP is a valid 4×2 BMP whose 8-bit pixels are run-length encoded
// (BI_RLE8): a kind of BMP the decoders do not take.
const RLE8BMP = "BM\x48\x00\x00\x00\x00\x00\x00\x00\x3e\x00\x00\x00" + // file header: size 72, pixels at 62
	"\x28\x00\x00\x00\x04\x00\x00\x00\x02\x00\x00\x00\x01\x00\x08\x00" + // 40-byte info header: 4×2, 1 plane, 8 bits
	"\x01\x00\x00\x00\x0a\x00\x00\x00\x13\x0b\x00\x00\x13\x0b\x00\x00" + // compression 1 (RLE8), 10 bytes of pixels
	"\x02\x00\x00\x00\x00\x00\x00\x00" + // 2 colours used
	"\x00\x00\x00\x00\xff\xff\xff\x00" + // palette: black, white
	"\x04\x00\x00\x00\x04\x01\x00\x00\x00\x01" // 4 of black, end of line, 4 of white, end of line, end of bitmap
