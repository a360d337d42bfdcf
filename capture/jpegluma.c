//go:build !nocv

#include "jpegluma.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

// The file is read as OpenCV 4's JPEG decoder (imgcodecs, grfmt_jpeg)
// reads it for cv::imdecode with IMREAD_GRAYSCALE, with the same libjpeg
// calls in the same order, so that the plane holds the same bytes, and
// that a file cut short or corrupt decodes, or fails, as it did there:
//
//   - the bytes are a source that suspends at their end rather than
//     making up an end of image (libjpeg.txt, "I/O suspension"): rows
//     past the end are what the row buffer last held;
//   - warnings go to stderr (jpeg_std_error), an error ends the decode;
//   - the luma comes straight from libjpeg (out_color_space
//     JCS_GRAYSCALE), a row at a time through a buffer of libjpeg's;
//   - a Motion-JPEG frame without Huffman tables gets the standard ones
//     (ITU-T T.81 Annex K.3), which libjpeg-turbo supplies itself for a
//     table a scan needs and the file lacks.
//
// What OpenCV handles otherwise (a CMYK file, which it turns gray its own
// way; bytes without the JPEG signature it tells its decoders apart by)
// is left to it.

struct lumaError {
	struct jpeg_error_mgr pub;
	jmp_buf jump;
};

static void lumaErrorExit(j_common_ptr cinfo) {
	longjmp(((struct lumaError *)cinfo->err)->jump, 1);
}

static void lumaNoop(j_decompress_ptr cinfo) { (void)cinfo; }

// lumaFill is called once the bytes are used up: there are no more, so
// the decoder suspends.
static boolean lumaFill(j_decompress_ptr cinfo) {
	(void)cinfo;
	return FALSE;
}

static void lumaSkip(j_decompress_ptr cinfo, long n) {
	struct jpeg_source_mgr *src = cinfo->src;
	if (n <= 0)
		return;
	if ((size_t)n > src->bytes_in_buffer) {
		src->next_input_byte += src->bytes_in_buffer;
		src->bytes_in_buffer = 0;
		return;
	}
	src->next_input_byte += n;
	src->bytes_in_buffer -= (size_t)n;
}

int scannerd_jpeg_luma(const unsigned char *data, size_t len, unsigned char *plane, int width, int height,
	int stride) {
	if (len < 3 || data[0] != 0xff || data[1] != 0xd8 || data[2] != 0xff)
		return SCANNERD_JPEG_ELSEWHERE;
	struct jpeg_decompress_struct cinfo;
	struct lumaError jerr;
	struct jpeg_source_mgr src;
	volatile int rc = SCANNERD_JPEG_CORRUPT;
	memset(&cinfo, 0, sizeof cinfo);
	cinfo.err = jpeg_std_error(&jerr.pub);
	jerr.pub.error_exit = lumaErrorExit;
	if (setjmp(jerr.jump) == 0) {
		jpeg_create_decompress(&cinfo);
		src.init_source = lumaNoop;
		src.fill_input_buffer = lumaFill;
		src.skip_input_data = lumaSkip;
		src.resync_to_restart = jpeg_resync_to_restart;
		src.term_source = lumaNoop;
		src.next_input_byte = data;
		src.bytes_in_buffer = len;
		cinfo.src = &src;
		jpeg_read_header(&cinfo, TRUE);
		cinfo.scale_num = 1;
		cinfo.scale_denom = 1;
		jpeg_calc_output_dimensions(&cinfo);
		if (cinfo.num_components == 4) {
			rc = SCANNERD_JPEG_ELSEWHERE;
		} else if (cinfo.output_width == 0 || cinfo.output_height == 0 || cinfo.output_width > 1 << 20 ||
			cinfo.output_height > 1 << 20 || (size_t)cinfo.output_width * cinfo.output_height > (size_t)1 << 30) {
			rc = SCANNERD_JPEG_CORRUPT; // beyond the sizes OpenCV reads
		} else if ((int)cinfo.output_width != width || (int)cinfo.output_height != height) {
			rc = SCANNERD_JPEG_WRONG_SIZE;
		} else {
			cinfo.out_color_space = JCS_GRAYSCALE;
			cinfo.out_color_components = 1;
			jpeg_start_decompress(&cinfo);
			JSAMPARRAY row = (*cinfo.mem->alloc_sarray)((j_common_ptr)&cinfo, JPOOL_IMAGE, (JDIMENSION)width * 4, 1);
			for (int y = 0; y < height; y++) {
				jpeg_read_scanlines(&cinfo, row, 1);
				memcpy(plane + (size_t)y * stride, row[0], (size_t)width);
			}
			rc = SCANNERD_JPEG_DECODED;
			jpeg_finish_decompress(&cinfo);
		}
	}
	jpeg_destroy_decompress(&cinfo);
	return rc;
}
