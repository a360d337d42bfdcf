package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"time"

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
// source "upload": they are not published to subscribers.
type Decoded struct {
	Results []Result `json:"results"`
	Width   int      `json:"width"`
	Height  int      `json:"height"`
}

// UploadSource is the source name of results decoded from uploads.
const UploadSource = "upload"

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

// readUpload reads and checks an uploaded image and converts it to a gray
// frame from the server's pool. The caller owns the frame.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, want string) (*scanner.Frame, error) {
	if r.ContentLength > s.cfg.MaxBodyBytes {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrBodyTooLarge, r.ContentLength, s.cfg.MaxBodyBytes)
	}
	data, err := s.readBody(w, r, s.cfg.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	got := scanner.ImageFormat(data)
	if got == "" {
		return nil, scanner.ErrUnsupportedImage
	}
	if want != "" && got != want {
		return nil, fmt.Errorf("%w: Content-Type says %s but the data is %s", ErrUnsupportedMediaType, want, got)
	}
	lim := scanner.Limits{MaxBytes: s.cfg.MaxBodyBytes, MaxPixels: s.cfg.MaxImagePixels}
	return scanner.DecodeImage(data, lim, s.pool)
}

// readBody reads a request body of at most limit bytes within the body
// timeout.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout.D()))
	defer rc.SetReadDeadline(time.Time{})
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%w: the limit is %d bytes", ErrBodyTooLarge, limit)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, fmt.Errorf("%w (%v)", ErrBodyTimeout, s.cfg.BodyTimeout)
	case err != nil:
		return nil, fmt.Errorf("%w: reading the body: %w", ErrBadRequest, err)
	}
	return data, nil
}

// handleDecode decodes an uploaded image with the live engine. Uploads are
// not deduplicated and not published; the daemon meters them.
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
	select {
	case s.decodes <- struct{}{}:
		defer func() { <-s.decodes }()
	default:
		w.Header().Set("Retry-After", "1")
		return fmt.Errorf("%w: %d at once", ErrBusy, cap(s.decodes))
	}
	f, err := s.readUpload(w, r, want)
	if err != nil {
		return err
	}
	f.Source, f.CapturedAt = UploadSource, s.clock()
	width, height := f.Width, f.Height
	results, err := s.daemon.Decode(r.Context(), f, opts) // the engine purges f
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
