package api

import (
	"errors"
	"fmt"
	"image"
	"mime"
	"net/http"

	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/scanner"
)

// uploadTypes maps the Content-Types POST /v1/decode takes to the format
// the data must have; octet-stream is sniffed.
var uploadTypes = map[string]string{
	"image/png":                "png",
	"image/jpeg":               "jpeg",
	"image/gif":                "gif",
	"image/bmp":                "bmp",
	"image/x-ms-bmp":           "bmp",
	"application/octet-stream": "",
}

// Decoded is POST /v1/decode's answer. Results of uploads have ID 0 and
// source UploadSource: they are not published to subscribers.
type Decoded = apitype.Decoded

// UploadSource is the source name of results decoded from uploads.
const UploadSource = apitype.UploadSource

// checkUploadType returns the format the declared Content-Type requires
// ("" for any).
func checkUploadType(contentType string) (string, error) {
	if contentType == "" {
		return "", fmt.Errorf("%w: Content-Type missing; send image/png, image/jpeg, image/gif, image/bmp or application/octet-stream", ErrUnsupportedMediaType)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", fmt.Errorf("%w: Content-Type %q: %w", ErrUnsupportedMediaType, truncate(contentType, 64), err)
	}
	format, ok := uploadTypes[mt]
	if !ok {
		return "", fmt.Errorf("%w: %s; send image/png, image/jpeg, image/gif, image/bmp or application/octet-stream", ErrUnsupportedMediaType, truncate(mt, 64))
	}
	return format, nil
}

// handleDecode decodes an uploaded image with the engine's background
// worker. Each phase has its own bound: the headers read_header_timeout,
// the body body_timeout and the memory budget (it is read before it takes
// a place among max_decodes, so slow bodies hold nothing), the decode the
// engine's time limit and the client's presence (a client that hangs up
// takes its upload out of the queue), the answer write_timeout. Uploads
// are not deduplicated and not published; the daemon meters them.
func (s *Server) handleDecode(w http.ResponseWriter, r *http.Request) error {
	v, err := parseRawQuery(r.URL.RawQuery)
	if err != nil {
		return err
	}
	opts, err := parseDecodeQuery(v)
	if err != nil {
		return err
	}
	want, err := checkUploadType(r.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	peer, _ := peerFromContext(r.Context())
	if err := s.mayUpload(w, peer); err != nil {
		return err
	}
	// Places are held only by uploads whose bodies have arrived, never by
	// slow ones; when they are all taken, the body need not be read to be
	// refused.
	if len(s.decodes) == cap(s.decodes) {
		return s.busy(w)
	}
	body, err := s.readUploadBody(w, r, s.cfg.MaxBodyBytes)
	if err != nil {
		return err
	}
	defer body.release()
	if err := checkUploadFormat(body.data, want); err != nil {
		return err
	}
	select {
	case s.decodes <- struct{}{}:
		defer func() { <-s.decodes }()
	default:
		return s.busy(w)
	}
	lim := scanner.Limits{MaxBytes: s.cfg.MaxBodyBytes, MaxPixels: s.cfg.MaxImagePixels}
	var width, height int
	var reserved int64 // the decode's memory, given back once the engine lets go of the frame
	defer func() { s.budget.give(reserved) }()
	results, err := s.daemon.Decode(r.Context(), func() (*scanner.Frame, error) {
		// On the engine's background worker, when the upload's turn comes.
		// The header and the data's size are checked before the decode's
		// memory is taken: a bomb is refused here, at no cost.
		_, cfg, err := scanner.CheckImage(body.data, lim)
		if err != nil {
			return nil, err
		}
		if reserved, err = s.reserveDecode(cfg, int64(cap(body.data))); err != nil {
			return nil, err
		}
		f, err := scanner.DecodeImage(body.data, lim, s.pool)
		if err != nil {
			return nil, err
		}
		f.Source, f.CapturedAt = UploadSource, s.clock()
		width, height = f.Width, f.Height
		return f, nil
	}, opts)
	if errors.Is(err, ErrBusy) {
		w.Header().Set("Retry-After", "1")
	}
	if err != nil {
		return err
	}
	out := Decoded{Results: make([]Result, len(results)), Width: width, Height: height}
	for i := range results {
		results[i].Source = UploadSource
		out.Results[i] = NewResult(&results[i])
		s.metrics.countResults(results[i].Symbology.String(), UploadSource, 1)
	}
	s.extendWrite(w)
	return writeJSON(w, out)
}

// reserveDecode takes from the upload memory budget what decoding an
// image whose header says cfg allocates (scanner.DecodeMemory), beside
// the body bytes the upload holds already. An image larger than the
// whole budget takes all of it: it is decoded alone, other uploads
// answered 429 busy meanwhile, rather than never.
func (s *Server) reserveDecode(cfg image.Config, body int64) (int64, error) {
	need := min(scanner.DecodeMemory(cfg), s.budget.limit-body)
	if !s.budget.take(need) {
		return 0, fmt.Errorf("%w: decoding %d×%d pixels takes %d bytes; uploads hold %d of %d bytes of memory",
			ErrBusy, cfg.Width, cfg.Height, need, s.budget.used.Load(), s.budget.limit)
	}
	return need, nil
}

// busy refuses an upload because max_decodes uploads are waiting for or
// in decoding.
func (s *Server) busy(w http.ResponseWriter) error {
	w.Header().Set("Retry-After", "1")
	return fmt.Errorf("%w: %d uploads at once", ErrBusy, cap(s.decodes))
}

// mayUpload applies the uploads setting and the peer's rate limit.
func (s *Server) mayUpload(w http.ResponseWriter, peer Peer) error {
	switch {
	case s.cfg.Uploads == UploadsOff:
		return fmt.Errorf("%w: this daemon takes no uploads (api.uploads = off)", ErrUploadsDisabled)
	case s.cfg.Uploads == UploadsAdmin && !peer.Admin:
		return fmt.Errorf("%w: uploads need uid 0 or the admin group here (api.uploads = admin); you are uid %d", ErrForbidden, peer.UID)
	}
	if ok, wait := s.limiter.allow(peer.UID); !ok {
		w.Header().Set("Retry-After", retryAfter(wait))
		return fmt.Errorf("%w: uid %d may upload %g images a second", ErrRateLimited, peer.UID, s.cfg.UploadRate)
	}
	return nil
}

// checkUploadFormat checks the data's signature against the declared
// Content-Type before anything is decoded.
func checkUploadFormat(data []byte, want string) error {
	got := scanner.ImageFormat(data)
	if got == "" {
		if len(data) == 0 {
			return fmt.Errorf("%w: empty upload (0 bytes)", scanner.ErrBadImage)
		}
		return scanner.ErrUnsupportedImage
	}
	if want != "" && got != want {
		return fmt.Errorf("%w: Content-Type says %s but the data is %s", ErrUnsupportedMediaType, want, got)
	}
	return nil
}
