// The C side of capture's image file decoder (imagefile.go): OpenCV's
// codecs called on the caller's bytes, writing into the caller's plane.
#ifndef SCANNERD_IMAGEFILE_H
#define SCANNERD_IMAGEFILE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// What scannerd_decode_gray made of an image.
enum {
	SCANNERD_DECODED = 0,     // the plane holds the image
	SCANNERD_CORRUPT = 1,     // OpenCV could not decode it
	SCANNERD_WRONG_SIZE = 2,  // it decoded to another size than the plane's
	SCANNERD_UNSUPPORTED = 3, // a depth or layout the plane cannot take
};

// scannerd_decode_gray decodes data into plane (imagefile.cpp says how);
// *wiped is set to the bytes of OpenCV buffers it zeroed before freeing.
int scannerd_decode_gray(const unsigned char *data, size_t len, int flags, int palette,
	unsigned char *plane, int width, int height, int stride, size_t *wiped);

#ifdef __cplusplus
}
#endif

#endif
