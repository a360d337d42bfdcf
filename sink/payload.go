package sink

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/scannerd/scannerd/scanner"
)

// Item is one result handed to the sinks.
type Item struct {
	// ID is the result's id in the socket API (0 when it has none), so a
	// receiver can match a delivery with /v1/results and recognise a
	// repeated delivery.
	ID     uint64
	Result scanner.Result
}

// Fields is what payload and topic templates see of a result:
// {{.Text}}, {{.Symbology}}, {{.Source}}, …
type Fields struct {
	ID         uint64
	Source     string
	Frame      uint64
	Symbology  string // the stable name, e.g. QR_CODE
	Text       string
	CapturedAt time.Time
	DecodedAt  time.Time
	// Host is the device's host name.
	Host string
}

func fieldsOf(it *Item, host string) Fields {
	r := &it.Result
	return Fields{ID: it.ID, Source: r.Source, Frame: r.Frame, Symbology: r.Symbology.String(), Text: r.Text,
		CapturedAt: r.CapturedAt, DecodedAt: r.DecodedAt, Host: host}
}

func sampleFields() Fields {
	return Fields{ID: 1, Source: "camera", Frame: 1, Symbology: "QR_CODE", Text: "sample",
		CapturedAt: time.Unix(0, 0), DecodedAt: time.Unix(0, 0), Host: "host"}
}

// filter selects the results a sink takes; zero values select all.
type filter struct {
	sources []string
	syms    scanner.SymbologySet
	text    *regexp.Regexp
}

func (f *filter) match(r *scanner.Result) bool {
	if len(f.sources) > 0 && !slices.Contains(f.sources, r.Source) {
		return false
	}
	if f.syms != 0 && !f.syms.Has(r.Symbology) {
		return false
	}
	return f.text == nil || f.text.MatchString(r.Text)
}

// Encoder returns a result's JSON document (the socket API's result
// object), for sinks with the json format.
type Encoder func(it *Item) ([]byte, error)

// payloadFormat turns an item into the bytes a sink sends: the JSON
// document, or a template's output.
type payloadFormat struct {
	tmpl *template.Template // nil: JSON
}

func (p *payloadFormat) contentType() string {
	if p.tmpl == nil {
		return "application/json"
	}
	return "text/plain; charset=utf-8"
}

// errTooLarge: a template wrote more than MaxPayload.
var errTooLarge = fmt.Errorf("payload larger than %d bytes", MaxPayload)

func (p *payloadFormat) encode(it *Item, enc Encoder, host string) ([]byte, error) {
	if p.tmpl == nil {
		if enc == nil {
			return nil, errors.New("no JSON encoder")
		}
		return enc(it)
	}
	var b bytes.Buffer
	if err := p.tmpl.Execute(&limitedWriter{w: &b, left: MaxPayload}, fieldsOf(it, host)); err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	return b.Bytes(), nil
}

// topicFields are Fields with the characters MQTT gives a meaning in
// topic names replaced, so a result's text cannot add levels or
// wildcards.
func topicFields(f Fields) Fields {
	clean := strings.NewReplacer("/", "_", "+", "_", "#", "_", "\x00", "_")
	f.Source, f.Symbology, f.Text, f.Host = clean.Replace(f.Source), clean.Replace(f.Symbology), clean.Replace(f.Text), clean.Replace(f.Host)
	return f
}

// limitedWriter fails writes beyond left bytes in all.
type limitedWriter struct {
	w    io.Writer
	left int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, errTooLarge
	}
	l.left -= len(p)
	return l.w.Write(p)
}
