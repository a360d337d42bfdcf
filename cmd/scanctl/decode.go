package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/scannerd/scannerd/capture"
	"github.com/scannerd/scannerd/internal/cli"
	"github.com/scannerd/scannerd/scanner"
)

// maxJobs bounds --jobs as scannerd bounds engine.workers: each job is a
// goroutine that may hold an OS thread in OpenCV, and far more of them
// than that exhaust the runtime's threads without decoding any faster.
const maxJobs = 256

type decodeFlags struct {
	tsv, json   bool
	symbologies string
	// symbologiesSet: --symbologies was given, so it must name something.
	symbologiesSet bool
	addOn          string
	msiCheck       string
	telepenNum     bool
	dpm            bool
	tryHarder      bool
	expect         int
	jobs           int
	maxPixels      int64
	cpuProfile     string
}

func (m *Main) decodeCommand() *cobra.Command {
	var f decodeFlags
	cmd := &cobra.Command{
		Use:   "decode [flags] FILE|DIR...",
		Short: "Decode image files here, without a daemon",
		Long: `Decodes barcodes in image files (PNG, JPEG, GIF, BMP) with scannerd's engine,
in this process. Directories are walked for image files. Prints one line per
barcode; an image without a barcode prints nothing. Unreadable files are named
on stderr and make the exit status 1.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f.symbologiesSet = cmd.Flags().Changed("symbologies")
			return m.decode(cmd.Context(), &f, args)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.tsv, "tsv", false, "print path<TAB>SYMBOLOGY<TAB>text per barcode, the path and text escaped (\\t \\n \\r \\\\ \\xHH)")
	fl.BoolVar(&f.json, "json", false, "print one JSON object per barcode")
	fl.StringVar(&f.symbologies, "symbologies", "", "comma-separated `LIST` of symbologies to look for; \"all\" for every one, \"default\" for those read when none are named; -NAME takes one out (\"all,-qr_code\")")
	fl.StringVar(&f.addOn, "ean-addon", "read", "`MODE` for EAN-2/EAN-5 add-ons of EAN-13, UPC-A and UPC-E symbols: read, require or ignore")
	fl.StringVar(&f.msiCheck, "msi-check", "none", "check digits (`SCHEME`) MSI Plessey symbols must pass: none, mod10, mod10_mod10, mod11, mod11_mod10, mod11_ncr or mod11_ncr_mod10")
	fl.BoolVar(&f.telepenNum, "telepen-numeric", false, "read Telepen symbols as starting in numeric mode")
	fl.BoolVar(&f.dpm, "dpm", false, "also read Data Matrix symbols of dotted modules (dot-peened, laser or ink-jet marked parts); slower when there is none")
	fl.BoolVar(&f.tryHarder, "try-harder", false, "search more thoroughly (more rows, inverted images, more binarizers); slower")
	fl.IntVar(&f.expect, "expect", 0, "stop searching an image after `N` barcodes (0: all the first strategy finds)")
	fl.IntVarP(&f.jobs, "jobs", "j", 0, "decode `N` images in parallel, 0 to 256 (0: one per CPU)")
	fl.Int64Var(&f.maxPixels, "max-pixels", 100_000_000, "refuse images with more than `N` pixels")
	fl.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile to `FILE`, its samples labelled by stage (go tool pprof -tags FILE)")
	cmd.RegisterFlagCompletionFunc("symbologies", completeSymbologies)
	cmd.RegisterFlagCompletionFunc("ean-addon", cli.CompleteWords("read", "require", "ignore"))
	cmd.RegisterFlagCompletionFunc("msi-check", cli.CompleteWords("none", "mod10", "mod10_mod10", "mod11", "mod11_mod10", "mod11_ncr", "mod11_ncr_mod10"))
	return cmd
}

// completeSymbologies completes a comma-separated list of symbology names,
// a name taken out ("-QR_CODE") too.
func completeSymbologies(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	prefix := toComplete[:strings.LastIndex(toComplete, ",")+1]
	if strings.HasPrefix(toComplete[len(prefix):], "-") {
		prefix += "-"
	}
	out := []cobra.Completion{prefix + "all", prefix + "default"}
	for _, s := range scanner.AllSymbologies().All() {
		out = append(out, prefix+s.String())
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// decode decodes the files and directories paths name.
func (m *Main) decode(ctx context.Context, f *decodeFlags, paths []string) error {
	parse := scanner.ParseSymbologySet
	if f.symbologiesSet {
		parse = scanner.ParseSymbologyList
	}
	syms, err := parse(f.symbologies)
	if err != nil {
		return cli.Usagef("--symbologies: %v", err)
	}
	addOns, err := scanner.ParseAddOnMode(f.addOn)
	if err != nil {
		return cli.Usagef("--ean-addon: %v", err)
	}
	msiCheck, err := scanner.ParseMSICheck(f.msiCheck)
	if err != nil {
		return cli.Usagef("--msi-check: %v", err)
	}
	if f.tsv && f.json {
		return cli.Usagef("--tsv and --json exclude each other")
	}
	if f.jobs < 0 || f.jobs > maxJobs {
		return cli.Usagef("--jobs %d: want 0 (one per CPU) to %d", f.jobs, maxJobs)
	}
	if f.expect < 0 {
		return cli.Usagef("--expect %d: want 0 (all the first strategy finds) or more", f.expect)
	}
	if f.maxPixels <= 0 {
		return cli.Usagef("--max-pixels %d: want 1 or more", f.maxPixels)
	}
	jobs := f.jobs
	if jobs == 0 {
		jobs = runtime.NumCPU()
	}
	opts := scanner.Options{Symbologies: syms, TryRotated: true, ExpectedCount: f.expect, AddOns: addOns,
		MSICheck: msiCheck, TelepenNumeric: f.telepenNum, DPM: f.dpm}
	if f.tryHarder {
		opts.TryHarder, opts.TryInverted = true, true
	}

	if f.cpuProfile != "" {
		stop, err := startCPUProfile(f.cpuProfile)
		if err != nil {
			return err
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(m.Stderr, "scanctl decode: %s\n", oneLine(err.Error()))
			}
		}()
	}
	status := exitOK
	files, skipped, walkErrs := collectImages(paths)
	for _, err := range skipped {
		fmt.Fprintf(m.Stderr, "scanctl: %s\n", oneLine(err.Error()))
	}
	for _, err := range walkErrs {
		fmt.Fprintf(m.Stderr, "scanctl: %s\n", oneLine(err.Error()))
		status = exitFailure
	}
	out := bufio.NewWriter(m.Stdout)
	defer out.Flush()
	print := m.textPrinter(out)
	switch {
	case f.tsv:
		print = tsvPrinter(out)
	case f.json:
		print = jsonPrinter(out)
	}
	lim := scanner.Limits{MaxBytes: 256 << 20, MaxPixels: f.maxPixels}
	var progress func(done int)
	if m.StderrIsTerminal && len(files) > 100 {
		progress = m.progressBar(len(files))
	}
	for o := range decodeFiles(ctx, files, opts, lim, jobs) {
		if o.err != nil {
			fmt.Fprintf(m.Stderr, "scanctl: %s: %s\n", oneLine(o.path), oneLine(o.err.Error()))
			status = exitFailure
		}
		for _, r := range o.results {
			print(o.path, &r)
		}
		out.Flush()
		if progress != nil {
			progress(o.index + 1)
		}
	}
	if progress != nil {
		fmt.Fprintln(m.Stderr)
	}
	if ctx.Err() != nil {
		return cli.Exit(exitFailure)
	}
	return cli.Exit(status)
}

var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true}

// notRegular says what a file that is not a regular file is.
func notRegular(mode fs.FileMode) error {
	kind := "not a regular file"
	switch t := mode.Type(); {
	case t&fs.ModeDir != 0:
		kind = "a directory"
	case t&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case t&fs.ModeSocket != 0:
		kind = "a socket"
	case t&fs.ModeDevice != 0:
		kind = "a device"
	}
	return fmt.Errorf("not a regular file: %s", kind)
}

// collectImages expands directories into the image files below them, in
// lexical order; files named explicitly are kept whatever their name.
// Below a directory, a symbolic link to a regular file counts as that
// file; an entry with an image's name that is not a regular file (a named
// pipe, a socket, a device) is skipped and named in skipped, since reading
// it could block or never end.
func collectImages(paths []string) (files []string, skipped, errs []error) {
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, err)
				return nil
			}
			if d.IsDir() || !imageExts[strings.ToLower(filepath.Ext(path))] {
				return nil
			}
			mode := d.Type()
			if mode&fs.ModeSymlink != 0 {
				st, err := os.Stat(path)
				if err != nil {
					skipped = append(skipped, fmt.Errorf("%s: skipped: %w", path, err))
					return nil
				}
				mode = st.Mode()
			}
			if !mode.IsRegular() {
				skipped = append(skipped, fmt.Errorf("%s: skipped: %w", path, notRegular(mode)))
				return nil
			}
			files = append(files, path)
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return files, skipped, errs
}

type outcome struct {
	index   int
	path    string
	results []scanner.Result
	err     error
}

// decodeFiles decodes files with jobs workers and yields outcomes in the
// order of files, each as soon as it and those before it are done.
func decodeFiles(ctx context.Context, files []string, opts scanner.Options, lim scanner.Limits, jobs int) <-chan outcome {
	out := make(chan outcome)
	slots := make([]chan outcome, len(files))
	for i := range slots {
		slots[i] = make(chan outcome, 1)
	}
	pool := scanner.NewPlanePool(jobs)
	// Files are requests to the engine: they go to its background workers,
	// one per job, with no time limit for a local decode.
	engine := scanner.NewEngine(scanner.EngineConfig{Workers: 1, BackgroundWorkers: jobs, BackgroundQueue: jobs,
		BackgroundTimeout: 365 * 24 * time.Hour})
	engine.Start()
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := outcome{index: i, path: files[i]}
				o.results, o.err = decodeFile(ctx, engine, files[i], opts, lim, pool)
				slots[i] <- o
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range files {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		defer close(out)
		defer engine.Close()
		defer wg.Wait()
		for i := range slots {
			select {
			case o := <-slots[i]:
				out <- o
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func decodeFile(ctx context.Context, e *scanner.Engine, path string, opts scanner.Options, lim scanner.Limits, pool *scanner.PlanePool) ([]scanner.Result, error) {
	f, err := loadImage(ctx, path, lim, pool)
	if err != nil {
		return nil, err
	}
	f.Source = path
	rep, err := e.Decode(ctx, f, opts)
	if err != nil {
		return nil, err
	}
	return rep.Results, nil
}

// loadImage reads and decodes an image file into a frame from pool, under
// the pprof label stage=load.
func loadImage(ctx context.Context, path string, lim scanner.Limits, pool *scanner.PlanePool) (f *scanner.Frame, err error) {
	pprof.Do(ctx, pprof.Labels(scanner.StageLabel, "load"), func(context.Context) {
		var data []byte
		if data, err = readFile(path, lim.MaxBytes); err != nil {
			return
		}
		f, err = capture.DecodeImage(data, lim, pool)
		clear(data)
	})
	return f, err
}

// startCPUProfile writes a CPU profile to path until stop is called.
func startCPUProfile(path string) (stop func() error, err error) {
	fh, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(fh); err != nil {
		fh.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := fh.Close(); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		return nil
	}, nil
}

// readFile reads a file of at most limit bytes into one buffer sized by
// the file's length, leaving no other copy behind; the caller zeroes it.
// Only a regular file is read: a named pipe or a device is refused, as
// scannerd refuses one for its configuration, instead of blocking forever
// in open or read where no signal reaches.
func readFile(path string, limit int64) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO without a writer returns at once, and the
	// mode is checked on what was opened, not on the name before; reading
	// a regular file is not affected.
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, notRegular(st.Mode())
	}
	data, err := scanner.ReadEncoded(fh, limit, 0)
	if err != nil {
		clear(data)
		return nil, err
	}
	if int64(len(data)) > limit {
		clear(data)
		return nil, fmt.Errorf("%w: more than %d bytes", scanner.ErrImageTooLarge, limit)
	}
	return data, nil
}

func (m *Main) textPrinter(w io.Writer) func(string, *scanner.Result) {
	return func(path string, r *scanner.Result) {
		fmt.Fprintf(w, "%s: %s %s%s%s\n", oneLine(path), r.Symbology, oneLine(r.Text),
			addOnSuffix(r.AddOn), sequenceSuffix(r.Sequence))
	}
}

// sequenceSuffix shows a structured append symbol's place in its set, or
// that the text joins a whole set: " (symbol 2 of 3, set 4d)", " (3
// symbols joined, set 4d)".
func sequenceSuffix(s *scanner.Sequence) string {
	if s == nil {
		return ""
	}
	set := ""
	if s.ID != "" {
		set = ", set " + s.ID
	}
	if s.Index < 0 {
		return fmt.Sprintf(" (%d symbols joined%s)", s.Count, set)
	}
	of := "?"
	switch {
	case s.Count > 0:
		of = strconv.Itoa(s.Count)
	case s.Last:
		of = strconv.Itoa(s.Index + 1)
	}
	return fmt.Sprintf(" (symbol %d of %s%s)", s.Index+1, of, set)
}

// addOnSuffix shows an EAN add-on after the main symbol's text.
func addOnSuffix(addOn string) string {
	if addOn == "" {
		return ""
	}
	return " +" + addOn
}

func tsvPrinter(w io.Writer) func(string, *scanner.Result) {
	return func(path string, r *scanner.Result) {
		fmt.Fprintf(w, "%s\t%s\t%s\n", escapeText(path), r.Symbology, escapeText(r.Text))
	}
}

// escapeText makes text or a path safe for one TSV field: oneLine's
// escapes, and backslash as \\.
func escapeText(s string) string { return cli.TSVField(s) }

type jsonResult struct {
	Path        string        `json:"path"`
	Symbology   string        `json:"symbology"`
	Text        string        `json:"text"`
	AddOn       string        `json:"addon,omitempty"`
	Bytes       string        `json:"bytes,omitempty"`
	Points      [4][2]float64 `json:"points"`
	SymbologyID string        `json:"symbology_id,omitempty"`
	// Sequence places a structured append symbol in its set, as the API
	// does.
	Sequence *scanner.Sequence `json:"sequence,omitempty"`
}

func jsonPrinter(w io.Writer) func(string, *scanner.Result) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return func(path string, r *scanner.Result) {
		j := jsonResult{Path: path, Symbology: r.Symbology.String(), Text: r.Text, AddOn: r.AddOn, SymbologyID: r.SymbologyID,
			Sequence: r.Sequence}
		if len(r.Bytes) > 0 && !utf8.Valid(r.Bytes) {
			j.Bytes = base64.StdEncoding.EncodeToString(r.Bytes)
		}
		for i, p := range r.Points {
			j.Points[i] = [2]float64{p.X, p.Y}
		}
		enc.Encode(j)
	}
}

// progressBar draws a bar on stderr, at most ten times a second.
func (m *Main) progressBar(total int) func(done int) {
	start, last := time.Now(), time.Time{}
	return func(done int) {
		if now := time.Now(); done < total && now.Sub(last) < 100*time.Millisecond {
			return
		} else {
			last = now
		}
		const width = 30
		fill := width * done / total
		rate := float64(done) / time.Since(start).Seconds()
		fmt.Fprintf(m.Stderr, "\r[%s%s] %d/%d %.0f images/s", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total, rate)
	}
}
