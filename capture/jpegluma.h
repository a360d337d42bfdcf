// The C side of capture's Motion-JPEG frame reader (jpegluma.go):
// libjpeg called on the caller's bytes, writing the luma into the
// caller's plane.
#ifndef SCANNERD_JPEGLUMA_H
#define SCANNERD_JPEGLUMA_H

#include <stddef.h>

// What scannerd_jpeg_luma made of a JPEG file. The first three are
// scannerd_decode_gray's (imagefile.h) for the same bytes.
enum {
	SCANNERD_JPEG_DECODED = 0,    // the plane holds the image's luma
	SCANNERD_JPEG_CORRUPT = 1,    // libjpeg gave up on it
	SCANNERD_JPEG_WRONG_SIZE = 2, // its header gives another size than the plane's
	SCANNERD_JPEG_ELSEWHERE = 4,  // a file OpenCV's codecs must read (CMYK, no JPEG signature)
};

// scannerd_jpeg_luma decodes data into plane (jpegluma.c says how).
int scannerd_jpeg_luma(const unsigned char *data, size_t len, unsigned char *plane, int width, int height,
	int stride);

#endif
