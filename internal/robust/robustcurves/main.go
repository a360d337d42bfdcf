// Command robustcurves prints the synthetic robustness suite's curves:
// for every symbology and every axis of distortion, the share of samples
// read at each level, by scannerd (scanctl decode --try-harder) and, with
// -zxing, by ZXingReader beside it. make bench runs it.
//
//	go run ./internal/robust/robustcurves [-samples N] [-zxing] [-families LIST] [-axes LIST]
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/scannerd/scannerd/internal/robust"
	"github.com/scannerd/scannerd/scanner"
)

func main() {
	samples := flag.Int("samples", 6, "samples per level")
	zxing := flag.Bool("zxing", false, "read the same images with ZXingReader too")
	famList := flag.String("families", "", "comma-separated symbologies (default: all of the suite's)")
	axisList := flag.String("axes", "all", "comma-separated axes")
	jobs := flag.Int("j", runtime.NumCPU(), "images rendered and read in parallel")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *samples, *zxing, *famList, *axisList, *jobs); err != nil {
		fmt.Fprintln(os.Stderr, "robustcurves:", err)
		os.Exit(1)
	}
}

// zxingFormats are the symbologies ZXingReader 1.4 reads (the formats it
// lists when run without arguments). The suite's other families
// (MicroPDF417, Han Xin, DotCode, the postal codes) are not given to it:
// its column shows "-" for them, not a rate of 0.
var zxingFormats = scanner.NewSymbologySet(
	scanner.Aztec, scanner.Codabar, scanner.Code39, scanner.Code93, scanner.Code128, scanner.DataBar,
	scanner.DataBarExpanded, scanner.DataMatrix, scanner.EAN8, scanner.EAN13, scanner.ITF, scanner.MaxiCode,
	scanner.PDF417, scanner.QRCode, scanner.UPCA, scanner.UPCE, scanner.MicroQR,
)

type outcome struct {
	c        robust.Case
	sym      *robust.Symbol
	scannerd bool
	zxing    bool
	path     string
	err      error
}

func run(ctx context.Context, w io.Writer, samples int, zxing bool, famList, axisList string, jobs int) error {
	fams := scanner.NewSymbologySet(robust.Families()...)
	if famList != "" {
		var err error
		if fams, err = scanner.ParseSymbologySet(famList); err != nil {
			return err
		}
	}
	var axes []robust.Axis
	for _, a := range robust.Axes() {
		if axisList == "all" || strings.Contains(","+axisList+",", ","+a.Name+",") {
			axes = append(axes, a)
		}
	}
	var cases []robust.Case
	for _, sym := range fams.All() {
		for _, a := range axes {
			cases = append(cases, robust.Cases(sym, a, samples, 1)...)
		}
	}
	dir := ""
	if zxing {
		var err error
		if dir, err = os.MkdirTemp("", "robustcurves"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	outs := make([]outcome, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := scanner.NewDecoder()
			for i := range next {
				o := outcome{c: cases[i]}
				sym, img, err := cases[i].Image()
				if err != nil {
					o.err = err
					outs[i] = o
					continue
				}
				o.sym = sym
				o.scannerd = robust.ReadScannerd(d, sym, img)
				if dir != "" && zxingFormats.Has(cases[i].Sym) {
					o.path = filepath.Join(dir, strconv.Itoa(i)+".png")
					var b bytes.Buffer
					if err := png.Encode(&b, img); err == nil {
						o.err = os.WriteFile(o.path, b.Bytes(), 0o600)
					}
				}
				outs[i] = o
			}
		}()
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	crashes := 0
	skipped := map[scanner.Symbology]error{}
	for _, o := range outs {
		if o.err != nil {
			skipped[o.c.Sym] = o.err
		}
	}
	if zxing {
		if err := readZXing(ctx, outs, max(1, jobs), &crashes); err != nil {
			return err
		}
	}
	report(w, outs, fams.All(), axes, zxing, skipped)
	given := 0
	for _, o := range outs {
		if o.path != "" {
			given++
		}
	}
	if given > 0 {
		fmt.Fprintf(w, "\nZXingReader aborted on %d of the %d images (an assertion of 1.4.0 on 1D codes read on several lines); those count as not read.\n", crashes, given)
	}
	return nil
}

// readZXing runs ZXingReader over the written images, a batch per process,
// and marks the outcomes it read. ZXingReader 1.4 aborts on some images:
// the batch goes on after the image it died on.
func readZXing(ctx context.Context, outs []outcome, jobs int, crashes *int) error {
	if _, err := exec.LookPath("ZXingReader"); err != nil {
		return fmt.Errorf("ZXingReader (Debian package zxing-cpp-tools): %w", err)
	}
	byPath := map[string]int{}
	var paths []string
	for i, o := range outs {
		if o.path != "" && o.err == nil {
			byPath[o.path] = i
			paths = append(paths, o.path)
		}
	}
	const batch = 200
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for start := 0; start < len(paths); start += batch {
		todo := paths[start:min(len(paths), start+batch)]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for len(todo) > 0 {
				texts, done, crashed := zxingBatch(ctx, todo)
				mu.Lock()
				if crashed {
					*crashes++
				}
				for p, ts := range texts {
					o := &outs[byPath[p]]
					for _, t := range ts {
						o.zxing = o.zxing || o.sym.Matches(t)
					}
				}
				mu.Unlock()
				todo = todo[done:]
			}
		}()
	}
	wg.Wait()
	return nil
}

// zxingBatch reads paths with one ZXingReader process and returns the
// texts it read by path and how many paths it got through (past the one
// it died on, if it did). Its output is line buffered (stdbuf), so that
// what it printed before it died is not lost.
func zxingBatch(ctx context.Context, paths []string) (map[string][]string, int, bool) {
	cmd := exec.CommandContext(ctx, "stdbuf", append([]string{"-oL", "ZXingReader"}, paths...)...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	texts := map[string][]string{}
	if err := cmd.Start(); err != nil {
		return texts, len(paths), false
	}
	seen, cur := 0, ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "File:"):
			cur = strings.TrimSpace(strings.TrimPrefix(line, "File:"))
			seen++
		case strings.HasPrefix(line, "Text:") && cur != "":
			t := strings.TrimSpace(strings.TrimPrefix(line, "Text:"))
			if u, err := strconv.Unquote(t); err == nil {
				t = u
			}
			texts[cur] = append(texts[cur], t)
		}
	}
	if err := cmd.Wait(); err != nil && seen < len(paths) {
		return texts, seen + 1, true // died on the next one: skip it
	}
	return texts, len(paths), false
}

func report(w io.Writer, outs []outcome, fams []scanner.Symbology, axes []robust.Axis, zxing bool, skipped map[scanner.Symbology]error) {
	type key struct {
		sym  scanner.Symbology
		axis string
	}
	curves := map[key][2]robust.Curve{}
	for _, a := range axes {
		for _, s := range fams {
			curves[key{s, a.Name}] = [2]robust.Curve{make(robust.Curve, len(a.Levels)), make(robust.Curve, len(a.Levels))}
		}
	}
	for _, o := range outs {
		if o.err != nil {
			continue
		}
		a, _ := robust.AxisNamed(o.c.Axis)
		c := curves[key{o.c.Sym, o.c.Axis}]
		c[0].Add(a, o.c.Level, o.scannerd)
		c[1].Add(a, o.c.Level, o.zxing)
	}
	for s, err := range skipped {
		fmt.Fprintf(w, "(%v skipped: %v)\n", s, err)
	}
	below := map[scanner.Symbology]int{}
	for _, a := range axes {
		fmt.Fprintf(w, "\n%s (%s): %% read", a.Name, a.Unit)
		if zxing {
			fmt.Fprint(w, ", scannerd/ZXingReader")
		}
		fmt.Fprintln(w)
		fmt.Fprint(w, "| family |")
		for _, lv := range a.Levels {
			fmt.Fprintf(w, " %g |", lv)
		}
		fmt.Fprint(w, "\n|---|")
		fmt.Fprintln(w, strings.Repeat("---:|", len(a.Levels)))
		for _, s := range fams {
			if skipped[s] != nil {
				continue
			}
			c := curves[key{s, a.Name}]
			fmt.Fprintf(w, "| %v |", s)
			for i := range a.Levels {
				sr, zr := c[0][i], c[1][i]
				switch {
				case zxing && !zxingFormats.Has(s):
					fmt.Fprintf(w, " %s/- |", pct(sr))
				case zxing:
					mark := ""
					if sr.OK < zr.OK {
						mark = " ▼"
						below[s]++
					}
					fmt.Fprintf(w, " %s/%s%s |", pct(sr), pct(zr), mark)
				default:
					fmt.Fprintf(w, " %s |", pct(sr))
				}
			}
			fmt.Fprintln(w)
		}
	}
	if zxing {
		fmt.Fprintln(w, "\nlevels where scannerd read fewer samples than ZXingReader (▼), by family:")
		for _, s := range fams {
			switch {
			case skipped[s] != nil:
			case !zxingFormats.Has(s):
				fmt.Fprintf(w, "  %v - (ZXingReader does not read it)\n", s)
			default:
				fmt.Fprintf(w, "  %v %d\n", s, below[s])
			}
		}
	}
}

func pct(r robust.Rate) string {
	if r.N == 0 {
		return "-"
	}
	return strconv.Itoa((100*r.OK + r.N/2) / r.N)
}
