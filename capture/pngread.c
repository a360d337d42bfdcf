//go:build !nocv

#include "pngread.h"

#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <smmintrin.h> // SSE4.1 and SSSE3, for the functions built for them
#endif

// paeth is the Paeth predictor (the PNG specification, 2nd edition,
// 9.4): of left a, above b and upper left c, the one nearest a+b-c, ties
// going to a, then b.
static inline int paeth(int a, int b, int c) {
	int pa = abs(b - c), pb = abs(a - c), pc = abs(a + b - 2 * c);
	int near = pa <= pb ? a : b, pnear = pa <= pb ? pa : pb;
	return pnear <= pc ? near : c;
}

// The filters whose bytes depend on the byte a pixel to the left: the
// left pixel's bytes and those above it are carried in locals, bpp a
// constant, so that each of a pixel's bytes is a chain of its own and no
// byte waits for the store of the one before. n is a multiple of bpp.
#define SUB_LOOP(BPP)                                           \
	do {                                                        \
		uint8_t a[BPP];                                         \
		memcpy(a, cur, BPP);                                    \
		for (size_t i = BPP; i < n; i += BPP)                   \
			for (int k = 0; k < BPP; k++)                       \
				a[k] = cur[i + k] += a[k];                      \
	} while (0)
#define AVERAGE_LOOP(BPP)                                       \
	do {                                                        \
		uint8_t a[BPP];                                         \
		for (int k = 0; k < BPP; k++)                           \
			a[k] = cur[k] += prev[k] >> 1;                      \
		for (size_t i = BPP; i < n; i += BPP)                   \
			for (int k = 0; k < BPP; k++)                       \
				a[k] = cur[i + k] += (uint8_t)(((unsigned)a[k] + prev[i + k]) >> 1); \
	} while (0)
#define PAETH_LOOP(BPP)                                         \
	do {                                                        \
		uint8_t a[BPP], c[BPP];                                 \
		for (int k = 0; k < BPP; k++) {                         \
			a[k] = cur[k] += prev[k]; /* left and upper left 0: above is nearest */ \
			c[k] = prev[k];                                     \
		}                                                       \
		for (size_t i = BPP; i < n; i += BPP)                   \
			for (int k = 0; k < BPP; k++) {                     \
				uint8_t b = prev[i + k];                        \
				a[k] = cur[i + k] += (uint8_t)paeth(a[k], b, c[k]); \
				c[k] = b;                                       \
			}                                                   \
	} while (0)
#define BY_BPP(LOOP)        \
	switch (bpp) {          \
	case 1: LOOP(1); break; \
	case 2: LOOP(2); break; \
	case 3: LOOP(3); break; \
	case 4: LOOP(4); break; \
	case 6: LOOP(6); break; \
	default: LOOP(8);       \
	}

#if defined(__SSE2__)
// The pixel-wise filters of 3- and 4-byte pixels on SSE2, a pixel's bytes
// at once in 16-bit lanes: the scalar loops' chains side by side. Each
// pixel is read 4 bytes wide (a byte past the row for 3-byte pixels, which
// the buffer's slack holds) and written bpp bytes wide.
static inline __m128i load_pixel(const uint8_t *p) {
	int32_t v;
	memcpy(&v, p, 4);
	return _mm_unpacklo_epi8(_mm_cvtsi32_si128(v), _mm_setzero_si128());
}

static inline void store_pixel(uint8_t *p, __m128i v, size_t bpp) {
	int32_t w = _mm_cvtsi128_si32(_mm_packus_epi16(v, v));
	memcpy(p, &w, bpp);
}

static inline __m128i abs16(__m128i v) { return _mm_max_epi16(v, _mm_sub_epi16(_mm_setzero_si128(), v)); }

// select16 is m ? x : y, lane by lane.
static inline __m128i select16(__m128i m, __m128i x, __m128i y) {
	return _mm_or_si128(_mm_and_si128(m, x), _mm_andnot_si128(m, y));
}

static inline __attribute__((always_inline)) void paeth_sse2(uint8_t *cur, const uint8_t *prev, size_t n, size_t bpp) {
	const __m128i low = _mm_set1_epi16(0xff);
	__m128i a = _mm_setzero_si128(), c = _mm_setzero_si128(); // left of the first pixel: 0
	for (size_t i = 0; i < n; i += bpp) {
		__m128i b = load_pixel(prev + i), x = load_pixel(cur + i);
		__m128i pas = _mm_sub_epi16(b, c), pbs = _mm_sub_epi16(a, c);
		__m128i pa = abs16(pas), pb = abs16(pbs), pc = abs16(_mm_add_epi16(pas, pbs));
		__m128i m = _mm_cmpgt_epi16(pa, pb);
		__m128i near = select16(m, b, a), pnear = _mm_min_epi16(pa, pb);
		__m128i pred = select16(_mm_cmpgt_epi16(pnear, pc), c, near);
		a = _mm_and_si128(_mm_add_epi16(x, pred), low);
		store_pixel(cur + i, a, bpp);
		c = b;
	}
}

// paeth_sse41 is paeth_sse2 with SSSE3's absolute value and SSE4.1's
// byte blend: one instruction each where SSE2 takes two and three, on
// the chain from each pixel to the next that bounds the loop.
static inline __attribute__((always_inline, target("sse4.1"))) void paeth_sse41(uint8_t *cur, const uint8_t *prev, size_t n, size_t bpp) {
	const __m128i low = _mm_set1_epi16(0xff);
	__m128i a = _mm_setzero_si128(), c = _mm_setzero_si128(); // left of the first pixel: 0
	for (size_t i = 0; i < n; i += bpp) {
		__m128i b = load_pixel(prev + i), x = load_pixel(cur + i);
		__m128i pas = _mm_sub_epi16(b, c), pbs = _mm_sub_epi16(a, c);
		__m128i pa = _mm_abs_epi16(pas), pb = _mm_abs_epi16(pbs), pc = _mm_abs_epi16(_mm_add_epi16(pas, pbs));
		__m128i near = _mm_blendv_epi8(a, b, _mm_cmpgt_epi16(pa, pb)), pnear = _mm_min_epi16(pa, pb);
		__m128i pred = _mm_blendv_epi8(near, c, _mm_cmpgt_epi16(pnear, pc));
		a = _mm_and_si128(_mm_add_epi16(x, pred), low);
		store_pixel(cur + i, a, bpp);
		c = b;
	}
}

int scannerd_png_baseline;

// sse41 tells whether the CPU runs the SSE4.1 loops.
static int sse41(void) { return !scannerd_png_baseline && __builtin_cpu_supports("sse4.1"); }

// bpp a constant in each: fixed-size stores.
__attribute__((target("sse4.1"))) static void paeth_sse41_3(uint8_t *cur, const uint8_t *prev, size_t n) { paeth_sse41(cur, prev, n, 3); }
__attribute__((target("sse4.1"))) static void paeth_sse41_4(uint8_t *cur, const uint8_t *prev, size_t n) { paeth_sse41(cur, prev, n, 4); }

static inline __attribute__((always_inline)) void average_sse2(uint8_t *cur, const uint8_t *prev, size_t n, size_t bpp) {
	const __m128i low = _mm_set1_epi16(0xff);
	__m128i a = _mm_setzero_si128();
	for (size_t i = 0; i < n; i += bpp) {
		__m128i b = load_pixel(prev + i), x = load_pixel(cur + i);
		a = _mm_and_si128(_mm_add_epi16(x, _mm_srli_epi16(_mm_add_epi16(a, b), 1)), low);
		store_pixel(cur + i, a, bpp);
	}
}
#endif

// unfilter undoes a row's filter in place (9.2): cur are the row's n
// bytes after its filter type, prev the row above, already unfiltered
// (zeros above the first), bpp the bytes a whole pixel takes (1, 2, 3,
// 4, 6 or 8; 1 below 8 bits a pixel).
static int unfilter(uint8_t type, uint8_t *cur, const uint8_t *prev, size_t n, size_t bpp) {
	switch (type) {
	case 0: // None
		return 0;
	case 1: // Sub
		BY_BPP(SUB_LOOP);
		return 0;
	case 2: // Up
		for (size_t i = 0; i < n; i++)
			cur[i] += prev[i];
		return 0;
	case 3: // Average
#if defined(__SSE2__)
		if (bpp == 3 || bpp == 4) {
			if (bpp == 3)
				average_sse2(cur, prev, n, 3); // bpp a constant: fixed-size stores
			else
				average_sse2(cur, prev, n, 4);
			return 0;
		}
#endif
		BY_BPP(AVERAGE_LOOP);
		return 0;
	case 4: // Paeth
#if defined(__SSE2__)
		if (bpp == 3 || bpp == 4) {
			if (sse41() && bpp == 3)
				paeth_sse41_3(cur, prev, n);
			else if (sse41())
				paeth_sse41_4(cur, prev, n);
			else if (bpp == 3)
				paeth_sse2(cur, prev, n, 3);
			else
				paeth_sse2(cur, prev, n, 4);
			return 0;
		}
#endif
		BY_BPP(PAETH_LOOP);
		return 0;
	}
	return -1;
}

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

// over16 is a 16-bit colour's gray over white, from its premultiplied
// channels, as scanner.DecodeImage computes it for Go's 16-bit images.
static uint8_t over16(unsigned r, unsigned g, unsigned b, unsigned a) {
	unsigned lum = (r + 2 * g + b) / 4 + 0xffff - a;
	return (uint8_t)((lum < 0xffff ? lum : 0xffff) >> 8);
}

// On x86-64 with glibc, the loop that turns a row of RGB pixels gray is built
// twice, for AVX2 and for the baseline, and the one the CPU runs is chosen
// at load time: with AVX2 the compiler reads 3-byte pixels many at a time.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__GLIBC__)
#define PIXEL_LOOP __attribute__((target_clones("avx2", "default")))
#else
#define PIXEL_LOOP
#endif

// gray_rgb8 is the gray of 8-bit RGB pixels: (R+2G+B)/4.
PIXEL_LOOP static void gray_rgb8(const uint8_t *restrict src, uint8_t *restrict dst, int w) {
	for (int x = 0; x < w; x++)
		dst[x] = (uint8_t)((src[3 * x] + 2 * src[3 * x + 1] + src[3 * x + 2]) >> 2);
}

// gray writes the gray bytes of one unfiltered row to dst, as
// scanner.DecodeImage gives them for the image Go's decoder makes of it.
static void gray(const scannerd_png_layout *l, const uint8_t *src, uint8_t *dst) {
	int w = l->width, x;
	const unsigned tr = l->trns[0], tg = l->trns[1], tb = l->trns[2];
	switch (l->layout) {
	case SCANNERD_PNG_LUT:
		if (l->bits == 8) {
			for (x = 0; x < w; x++)
				dst[x] = l->lut[src[x]];
		} else {
			int bits = l->bits, per = 8 / bits;
			unsigned mask = (1u << bits) - 1;
			for (x = 0; x < w; x++) {
				int shift = 8 - bits * (x % per + 1);
				dst[x] = l->lut[(src[x / per] >> shift) & mask];
			}
		}
		return;
	case SCANNERD_PNG_GRAY8:
		memcpy(dst, src, (size_t)w);
		return;
	case SCANNERD_PNG_RGB8:
		gray_rgb8(src, dst, w);
		if (l->transparent)
			for (x = 0; x < w; x++, src += 3)
				if (src[0] == tr && src[1] == tg && src[2] == tb)
					dst[x] = 255;
		return;
	case SCANNERD_PNG_RGBA8:
		for (x = 0; x < w; x++, src += 4) {
			unsigned lum = (src[0] + 2 * src[1] + src[2]) >> 2, a = src[3];
			dst[x] = (uint8_t)((lum * a + 255 * (255 - a)) / 255);
		}
		return;
	case SCANNERD_PNG_GA8:
		for (x = 0; x < w; x++, src += 2) {
			unsigned y = src[0], a = src[1];
			dst[x] = (uint8_t)((y * a + 255 * (255 - a)) / 255);
		}
		return;
	case SCANNERD_PNG_GRAY16:
		for (x = 0; x < w; x++, src += 2)
			dst[x] = l->transparent && be16(src) == tr ? 255 : src[0];
		return;
	case SCANNERD_PNG_RGB16:
		for (x = 0; x < w; x++, src += 6) {
			unsigned r = be16(src), g = be16(src + 2), b = be16(src + 4);
			if (l->transparent && r == tr && g == tg && b == tb)
				dst[x] = 255;
			else
				dst[x] = (uint8_t)(((r + 2 * g + b) / 4) >> 8);
		}
		return;
	case SCANNERD_PNG_RGBA16:
		for (x = 0; x < w; x++, src += 8) {
			unsigned a = be16(src + 6);
			dst[x] = over16(be16(src) * a / 0xffff, be16(src + 2) * a / 0xffff, be16(src + 4) * a / 0xffff, a);
		}
		return;
	case SCANNERD_PNG_GA16:
		for (x = 0; x < w; x++, src += 4) {
			unsigned a = be16(src + 2), y = be16(src) * a / 0xffff;
			dst[x] = over16(y, y, y, a);
		}
		return;
	}
}

int scannerd_png_gray(const uint8_t *z, size_t zlen, const scannerd_png_layout *l,
	uint8_t *plane, size_t stride, size_t *used, size_t *wiped) {
	*used = 0;
	*wiped = 0;
	size_t rowbytes = ((size_t)l->bits * (size_t)l->width + 7) / 8, line = 1 + rowbytes;
	size_t size = line * (size_t)l->height;
	// One line of zeros before the first: the row "above" it; and slack
	// after the last for reading pixels 4 bytes wide.
	size_t alloc = line + size + 8;
	uint8_t *buf = malloc(alloc);
	if (!buf)
		return SCANNERD_PNG_NO_MEMORY;
	memset(buf, 0, line);
	int rc = SCANNERD_PNG_NO_MEMORY;
	struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
	if (d) {
		size_t in = 0, out = 0;
		switch (libdeflate_zlib_decompress_ex(d, z, zlen, buf + line, size, &in, &out)) {
		case LIBDEFLATE_SUCCESS:
			rc = out == size ? SCANNERD_PNG_DECODED : SCANNERD_PNG_SHORT;
			*used = in;
			break;
		case LIBDEFLATE_INSUFFICIENT_SPACE:
			rc = SCANNERD_PNG_TOO_MUCH;
			break;
		default:
			rc = SCANNERD_PNG_BAD_ZLIB;
		}
		libdeflate_free_decompressor(d);
	}
	size_t bpp = ((size_t)l->bits + 7) / 8;
	for (int y = 0; rc == SCANNERD_PNG_DECODED && y < l->height; y++) {
		uint8_t *row = buf + line * (size_t)(y + 1);
		if (unfilter(row[0], row + 1, row + 1 - line, rowbytes, bpp) != 0)
			rc = SCANNERD_PNG_BAD_FILTER;
		else
			gray(l, row + 1, plane + stride * (size_t)y);
	}
	explicit_bzero(buf, alloc);
	*wiped = alloc;
	free(buf);
	return rc;
}
