// The C side of capture's PNG reader (pngread.go): the image data
// inflated with libdeflate, unfiltered and turned gray into the caller's
// plane.
#ifndef SCANNERD_PNGREAD_H
#define SCANNERD_PNGREAD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// What scannerd_png_gray made of the image data.
enum {
	SCANNERD_PNG_DECODED = 0,    // the plane holds the image
	SCANNERD_PNG_BAD_ZLIB = 1,   // the zlib stream is corrupt (or its Adler-32 wrong)
	SCANNERD_PNG_SHORT = 2,      // the stream ends before the last row
	SCANNERD_PNG_TOO_MUCH = 3,   // the stream holds more than the rows
	SCANNERD_PNG_BAD_FILTER = 4, // a row's filter type is none of the five
	SCANNERD_PNG_NO_MEMORY = 5,
};

// The pixel layouts scannerd_png_gray turns gray: how a row's samples
// become one gray byte each.
enum {
	SCANNERD_PNG_LUT = 0,     // 1, 2, 4 or 8 bits a pixel, the gray byte looked up
	SCANNERD_PNG_GRAY8 = 1,   // 8-bit gray copied
	SCANNERD_PNG_RGB8 = 2,    // (R+2G+B)/4, white where tRNS's colour
	SCANNERD_PNG_RGBA8 = 3,   // (R+2G+B)/4 over white by alpha
	SCANNERD_PNG_GA8 = 4,     // gray over white by alpha
	SCANNERD_PNG_GRAY16 = 5,  // the high byte, white where tRNS's shade
	SCANNERD_PNG_RGB16 = 6,   // (R+2G+B)/4 of 16-bit samples, white where tRNS's colour
	SCANNERD_PNG_RGBA16 = 7,  // the same premultiplied, over white by alpha
	SCANNERD_PNG_GA16 = 8,    // 16-bit gray over white by alpha
};

// scannerd_png_layout describes the image data: its size, layout and
// what its pixels need beside their bytes.
typedef struct {
	int width, height;
	int bits;          // bits a pixel: depth × samples
	int layout;        // SCANNERD_PNG_*
	int transparent;   // tRNS gives a gray shade or colour (GRAY16, RGB8, RGB16)
	uint16_t trns[3];  // that shade or colour
	uint8_t lut[256];  // for SCANNERD_PNG_LUT: the gray byte of each sample value
} scannerd_png_layout;

// scannerd_png_gray inflates the zlib stream z (zlen bytes, read in
// place) into a buffer of exactly the rows' size, unfilters them and
// writes their gray bytes to plane (rows stride bytes apart). *used is
// set to the bytes of z the stream took, *wiped to the bytes of the
// buffer it zeroed before freeing it, whatever the outcome.
// scannerd_png_baseline, when set, keeps scannerd_png_gray to the loops
// built for the baseline CPU where it would choose faster ones: for tests.
extern int scannerd_png_baseline;

int scannerd_png_gray(const uint8_t *z, size_t zlen, const scannerd_png_layout *l,
	uint8_t *plane, size_t stride, size_t *used, size_t *wiped);

#ifdef __cplusplus
}
#endif

#endif
