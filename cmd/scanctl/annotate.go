package main

import (
	"errors"
	"flag"
	"fmt"
	"image/png"
	"os"
	"strings"

	"github.com/scannerd/scannerd/debugexport"
)

// annotate draws a debug export's sidecar onto its image: the outline of
// every barcode read, its symbology and text, for a developer to look at.
func (m *Main) annotate(args []string) int {
	fs := flag.NewFlagSet("debug annotate", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	out := fs.String("o", "", "write the annotated image to `FILE` (default: NAME.annotated.png beside the input)")
	fs.Usage = func() {
		fmt.Fprint(m.Stderr, `usage: scanctl debug annotate [-o OUT.png] FILE.png

Draws what the engine found in an exported frame (from FILE.json, the sidecar
beside it): each barcode's outline with its first corner marked, and its
symbology and text.

`)
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if len(paths) != 1 || !strings.HasSuffix(paths[0], ".png") {
		fs.Usage()
		return exitUsage
	}
	in := paths[0]
	sc, err := debugexport.ReadSidecar(strings.TrimSuffix(in, ".png") + ".json")
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %v\n", err)
		return exitFailure
	}
	fh, err := os.Open(in)
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %v\n", err)
		return exitFailure
	}
	img, err := png.Decode(fh)
	fh.Close()
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s: %v\n", in, err)
		return exitFailure
	}
	if b := img.Bounds(); b.Dx() != sc.Width || b.Dy() != sc.Height {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %s is %d×%d, its sidecar says %d×%d\n", in, b.Dx(), b.Dy(), sc.Width, sc.Height)
		return exitFailure
	}
	if *out == "" {
		*out = strings.TrimSuffix(in, ".png") + ".annotated.png"
	}
	dst, err := os.Create(*out)
	if err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %v\n", err)
		return exitFailure
	}
	if err := png.Encode(dst, debugexport.Annotate(img, sc)); err != nil {
		dst.Close()
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %v\n", err)
		return exitFailure
	}
	if err := dst.Close(); err != nil {
		fmt.Fprintf(m.Stderr, "scanctl debug annotate: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(m.Stdout, "%s: %d barcodes drawn\n", *out, len(sc.Results))
	return exitOK
}
