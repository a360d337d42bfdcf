package scanner

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
)

// MaxDeflateRatio bounds what a byte of deflate data can expand to: a
// 258-byte match takes at least two bits (RFC 1951, 3.2.5).
const MaxDeflateRatio = 1032

// PNGImageBytes is the size of the image data a PNG's header declares
// once inflated: each row of each pass with its filter byte (the PNG
// specification, 2nd edition, 7.2 and 8.2). depth is the bits of a
// sample, samples a pixel's samples.
func PNGImageBytes(width, height, depth, samples int, interlaced bool) uint64 {
	rows := func(w, h int) uint64 {
		if w <= 0 || h <= 0 {
			return 0
		}
		return uint64(h) * (1 + (uint64(depth)*uint64(samples)*uint64(w)+7)/8)
	}
	if !interlaced {
		return rows(width, height)
	}
	// Adam7: each pass's first column and row and their steps.
	passes := [7][4]int{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
	var n uint64
	for _, p := range passes {
		n += rows((width-p[0]+p[2]-1)/p[2], (height-p[1]+p[3]-1)/p[3])
	}
	return n
}

// checkImageData refuses an image whose data, by its size, cannot hold the
// pixels its header declares (a decompression bomb), from the header and
// the data's size alone, before any buffer for the pixels is made. The
// bound is what the format's best compression can reach, so no image a
// decoder reads whole is refused: deflate's 1032 to 1 for PNG, the rows
// themselves for BMP (which is read uncompressed only), and half a bit
// for each 8×8 block for JPEG (a block's DC code takes at least a bit
// in the scan that first codes it; half, for components sampled below
// the image's size), and LZW's best for GIF (GIFLZWPixels): its first
// image (the one decoded, whose whole buffer Go's decoder makes before it
// reads a code) against its own data, and its logical screen (the size
// an upload's memory is reserved for) against all the images' data.
func checkImageData(format string, data []byte, cfg image.Config) error {
	w, h := uint64(cfg.Width), uint64(cfg.Height)
	switch format {
	case "png":
		if len(data) < 29 {
			return nil // the header decoder has refused it
		}
		depth, colorType, interlaced := data[24], data[25], data[28] == 1
		samples := map[byte]int{2: 3, 4: 2, 6: 4}[colorType]
		if samples == 0 {
			samples = 1
		}
		n := pngDataBytes(data)
		need := PNGImageBytes(cfg.Width, cfg.Height, int(depth), samples, interlaced)
		if need > MaxDeflateRatio*uint64(n) {
			return fmt.Errorf("%w: png: %d bytes of image data cannot hold the %d of %d×%d pixels", ErrBadImage, n, need, cfg.Width, cfg.Height)
		}
	case "bmp":
		if len(data) < 30 {
			return nil
		}
		offset, bpp := uint64(binary.LittleEndian.Uint32(data[10:])), uint64(binary.LittleEndian.Uint16(data[28:]))
		n := uint64(0)
		if offset < uint64(len(data)) {
			n = uint64(len(data)) - offset
		}
		// Rows are padded to 4 bytes; the last row's padding is not
		// asked for.
		need := (h-1)*((w*bpp+31)/32*4) + (w*bpp+7)/8
		if need > n {
			return fmt.Errorf("%w: bmp: %d bytes of pixel data cannot hold the %d of %d×%d pixels", ErrBadImage, n, need, cfg.Width, cfg.Height)
		}
	case "gif":
		return checkGIFData(data, w, h)
	case "jpeg":
		blocks := ((w + 7) / 8) * ((h + 7) / 8)
		if need := blocks / 16; need > uint64(len(data)) {
			return fmt.Errorf("%w: jpeg: %d bytes cannot hold the %d blocks of %d×%d pixels", ErrBadImage, len(data), blocks, cfg.Width, cfg.Height)
		}
	}
	return nil
}

// GIFLZWPixels is the most pixels n bytes of GIF image data can hold. A
// code (at most 12 bits) stands for a string of the code table, and each
// entry of the table is at most one pixel longer than the one before it:
// a code of w bits stands for at most 2^w pixels, so no code gives more
// than 4096 pixels for 12 bits, 2730⅔ a byte (the GIF89a specification,
// appendix F; T. A. Welch, "A technique for high-performance data
// compression", IEEE Computer 17(6), 1984).
func GIFLZWPixels(n uint64) uint64 { return n * 8 * 4096 / 12 }

// checkGIFData checks a GIF's logical screen (w×h, from its header) and
// its first image against the LZW data that follows (GIF89a, 18 to 23):
// the blocks are walked by their lengths as far as data goes.
func checkGIFData(data []byte, w, h uint64) error {
	at := 13 // signature and version 6, logical screen descriptor 7
	if len(data) < at {
		return nil // the header decoder has refused it
	}
	if data[10]&0x80 != 0 {
		at += 3 << (data[10]&7 + 1) // the global colour table
	}
	// subBlocks skips the sub-blocks from at and returns the bytes of
	// data they hold.
	subBlocks := func() uint64 {
		var n uint64
		for at < len(data) {
			size := int(data[at])
			at++
			if size == 0 {
				break
			}
			body := min(size, len(data)-at)
			n += uint64(body)
			at += body
		}
		return n
	}
	var all uint64
	images := 0
	for at < len(data) {
		switch data[at] {
		case 0x21: // extension: its label, then sub-blocks
			at += 2
			subBlocks()
		case 0x2c: // image descriptor, a local colour table, the LZW code size, the data
			if at+10 > len(data) {
				at = len(data)
				break
			}
			fw, fh := uint64(binary.LittleEndian.Uint16(data[at+5:])), uint64(binary.LittleEndian.Uint16(data[at+7:]))
			packed := data[at+9]
			at += 10
			if packed&0x80 != 0 {
				at += 3 << (packed&7 + 1)
			}
			at++ // LZW minimum code size
			n := subBlocks()
			all += n
			images++
			if images == 1 && fw*fh > GIFLZWPixels(n) {
				return fmt.Errorf("%w: gif: %d bytes of image data cannot hold the %d of its first image's %d×%d pixels", ErrBadImage, n, fw*fh, fw, fh)
			}
		default: // the trailer (0x3b), or what the decoder refuses
			at = len(data)
		}
	}
	if w*h > GIFLZWPixels(all) {
		return fmt.Errorf("%w: gif: %d bytes of image data cannot hold the %d of the %d×%d pixels of its logical screen", ErrBadImage, all, w*h, w, h)
	}
	return nil
}

// pngDataBytes is the size of a PNG's IDAT chunks, as far as the data
// holds them: the chunks are walked by their lengths, unchecked.
func pngDataBytes(data []byte) int {
	n := 0
	for at := 8; at+8 <= len(data); {
		size, kind := int64(binary.BigEndian.Uint32(data[at:])), string(data[at+4:at+8])
		body := min(size, int64(len(data)-at-8))
		switch kind {
		case "IDAT":
			n += int(body)
		case "IEND":
			return n
		}
		at += 12 + int(body)
	}
	return n
}

// DecodeMemory is what DecodeImage allocates for an image whose header
// says cfg: the decoder's image, at the bytes a pixel of its colour
// model takes, and the gray frame.
func DecodeMemory(cfg image.Config) int64 {
	perPixel := int64(4)
	switch cfg.ColorModel {
	case color.GrayModel, color.AlphaModel:
		perPixel = 1
	case color.Gray16Model, color.Alpha16Model:
		perPixel = 2
	case color.RGBA64Model, color.NRGBA64Model:
		perPixel = 8
	case color.YCbCrModel:
		perPixel = 3
	}
	if _, ok := cfg.ColorModel.(color.Palette); ok {
		perPixel = 1
	}
	return (perPixel + 1) * int64(cfg.Width) * int64(cfg.Height)
}
