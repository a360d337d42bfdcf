//go:build !nocv

#include "imagefile.h"

#include <string.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace {

// WipingAllocator hands OpenCV the buffers of the Mats it makes while
// decoding, and zeroes each before freeing it: the colour image a decoder
// writes, a partly written one when decoding fails, and a resized copy.
class WipingAllocator : public cv::MatAllocator {
public:
	mutable size_t wiped = 0;

	cv::UMatData *allocate(int dims, const int *sizes, int type, void *data, size_t *step,
		cv::AccessFlag, cv::UMatUsageFlags) const override {
		// Rows without padding, as Mat::create asks for them; a caller's
		// own buffer keeps its steps.
		size_t total = CV_ELEM_SIZE(type);
		for (int i = dims - 1; i >= 0; i--) {
			if (step && data && step[i] != 0)
				total = step[i];
			else if (step)
				step[i] = total;
			total *= sizes[i];
		}
		cv::UMatData *u = new cv::UMatData(this);
		u->data = u->origdata = static_cast<uchar *>(data ? data : cv::fastMalloc(total));
		u->size = total;
		if (data)
			u->flags |= cv::UMatData::USER_ALLOCATED;
		return u;
	}

	bool allocate(cv::UMatData *u, cv::AccessFlag, cv::UMatUsageFlags) const override {
		return u != nullptr;
	}

	void deallocate(cv::UMatData *u) const override {
		if (!u)
			return;
		if (!(u->flags & cv::UMatData::USER_ALLOCATED) && u->origdata) {
			explicit_bzero(u->origdata, u->size);
			wiped += u->size;
			cv::fastFree(u->origdata);
		}
		delete u;
	}
};

// grayBGR writes the luminance (B+2G+R)/4 of n B, G, R pixels to dst, as
// scanner.DecodeImage computes it from Go's decoded colours.
void grayBGR(unsigned char *dst, const unsigned char *src, int n) {
	for (int x = 0; x < n; x++, src += 3)
		dst[x] = (unsigned char)((src[0] + 2 * src[1] + src[2]) >> 2);
}

// grayBGRA is grayBGR composited over white by the alpha channel.
void grayBGRA(unsigned char *dst, const unsigned char *src, int n) {
	for (int x = 0; x < n; x++, src += 4) {
		unsigned lum = (src[0] + 2 * src[1] + src[2]) >> 2, a = src[3];
		dst[x] = (unsigned char)((lum * a + 255 * (255 - a)) / 255);
	}
}

// grayPalette is the luminance of the colours of a palette image, which
// Go's decoders give as color.RGBA and color.NRGBA entries: computed on
// their 16-bit premultiplied channels, as scanner.DecodeImage does, which
// rounds differently from grayBGR. ch is 3 (opaque) or 4 (B, G, R, A).
// A palette image has few colours, mostly in runs: a pixel like the one
// before it costs a comparison.
void grayPalette(unsigned char *dst, const unsigned char *src, int n, int ch) {
	unsigned prev = 0;
	unsigned char gray = 0;
	for (int x = 0; x < n; x++, src += ch) {
		unsigned a = ch == 4 ? src[3] : 255;
		unsigned key = src[0] | src[1] << 8 | src[2] << 16 | a << 24;
		if (x == 0 || key != prev) {
			unsigned b = src[0] * 0x101u * a / 255, g = src[1] * 0x101u * a / 255, r = src[2] * 0x101u * a / 255;
			unsigned lum = (r + 2 * g + b) / 4 + 0xffff - a * 0x101u;
			gray = (unsigned char)((lum < 0xffff ? lum : 0xffff) >> 8);
			prev = key;
		}
		dst[x] = gray;
	}
}

int decode(const cv::Mat &buf, int flags, bool palette, cv::Mat &dst, unsigned char *plane, int width, int height, int stride) {
	cv::imdecode(buf, flags, &dst);
	if (dst.empty())
		return SCANNERD_CORRUPT;
	if (dst.data == plane)
		return SCANNERD_DECODED; // one 8-bit channel: Mat::create kept the plane
	if (dst.rows != height || dst.cols != width)
		return SCANNERD_WRONG_SIZE;
	if (dst.depth() != CV_8U || (dst.channels() != 3 && dst.channels() != 4))
		return SCANNERD_UNSUPPORTED;
	for (int y = 0; y < height; y++) {
		if (palette)
			grayPalette(plane + (size_t)y * stride, dst.ptr(y), width, dst.channels());
		else if (dst.channels() == 3)
			grayBGR(plane + (size_t)y * stride, dst.ptr(y), width);
		else
			grayBGRA(plane + (size_t)y * stride, dst.ptr(y), width);
	}
	return SCANNERD_DECODED;
}

} // namespace

// scannerd_decode_gray decodes the encoded image data (len bytes, read in
// place, never copied) with cv::imdecode into plane, a width×height gray
// plane of rows stride bytes apart; palette says the image is a palette
// one, whose colours are turned gray as Go's decoders' palettes are. An image that decodes to one 8-bit
// channel is written straight into plane; a colour one decodes into a
// buffer of the wiping allocator, turned gray into plane. Every buffer
// OpenCV's own code allocates for pixels is zeroed before it is freed,
// whatever the outcome; the codec libraries' internal buffers (libpng's
// rows and zlib's window, libjpeg's) are theirs and are not.
int scannerd_decode_gray(const unsigned char *data, size_t len, int flags, int palette,
	unsigned char *plane, int width, int height, int stride, size_t *wiped) {
	WipingAllocator alloc;
	int rc;
	try {
		cv::Mat buf(1, (int)len, CV_8UC1, (void *)data);
		cv::Mat dst(height, width, CV_8UC1, plane, (size_t)stride);
		dst.allocator = &alloc;
		rc = decode(buf, flags, palette != 0, dst, plane, width, height, stride);
	} catch (...) {
		rc = SCANNERD_CORRUPT;
	}
	*wiped = alloc.wiped;
	return rc;
}
