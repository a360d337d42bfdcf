package api

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/scannerd/scannerd/scanner"
)

// Query parsing: every parameter is checked, unknown ones are refused so a
// typo does not silently widen a filter, and every failure wraps
// ErrBadQuery with the parameter's name.

// checkKeys refuses parameters not in allowed, and repeats of those that
// take one value.
func checkKeys(v url.Values, allowed map[string]bool) error {
	for k, vals := range v {
		repeatable, ok := allowed[k]
		if !ok {
			return fmt.Errorf("%w: unknown parameter %q", ErrBadQuery, truncate(k, 64))
		}
		if len(vals) > 1 && !repeatable {
			return fmt.Errorf("%w: %s given %d times", ErrBadQuery, k, len(vals))
		}
	}
	return nil
}

// filterKeys are the parameters of a result filter, with the old name of
// symbology= that POST /v1/decode took, still accepted everywhere.
var filterKeys = map[string]bool{"symbology": true, "symbologies": true, "source": true}

// withFilterKeys adds filterKeys to the given keys (each saying whether
// it may repeat).
func withFilterKeys(keys map[string]bool) map[string]bool {
	for k, rep := range filterKeys {
		keys[k] = rep
	}
	return keys
}

// parseSymbologies reads symbology= (and its deprecated alias
// symbologies=), a comma-separated list that may also be repeated: the
// lists are read as one, in order, so that a name taken out in a later
// one ("symbology=all&symbology=-qr_code") is taken out of the earlier.
func parseSymbologies(v url.Values) (scanner.SymbologySet, error) {
	var lists []string
	for _, key := range []string{"symbology", "symbologies"} {
		for _, list := range v[key] {
			if strings.TrimSpace(list) == "" {
				// "?symbology=" names nothing: refused, as on the
				// command line; leaving it out is the default.
				_, err := scanner.ParseSymbologyList(list)
				return 0, fmt.Errorf("%w: %s: %w", ErrBadQuery, key, err)
			}
			lists = append(lists, list)
		}
	}
	if len(lists) == 0 {
		return 0, nil
	}
	set, err := scanner.ParseSymbologySet(strings.Join(lists, ","))
	if err != nil {
		return 0, fmt.Errorf("%w: symbology: %w", ErrBadQuery, err)
	}
	return set, nil
}

// parseFilter reads symbology= and source=, each a comma-separated list
// that may also be repeated. Sources must be among those known() names:
// a misspelt source would otherwise match nothing, silently.
func parseFilter(v url.Values, known func() []string) (filter, error) {
	var f filter
	var err error
	if f.syms, err = parseSymbologies(v); err != nil {
		return filter{}, err
	}
	var names []string
	for _, list := range v["source"] {
		for _, name := range strings.Split(list, ",") {
			if err := checkSourceName(name); err != nil {
				return filter{}, err
			}
			if names == nil {
				names = known()
			}
			if !slices.Contains(names, name) {
				return filter{}, fmt.Errorf("%w: unknown source %q; the daemon's sources are %s", ErrBadQuery, name, strings.Join(names, ", "))
			}
			f.sources = append(f.sources, name)
		}
	}
	return f, nil
}

func checkSourceName(name string) error {
	if name == "" || len(name) > 128 {
		return fmt.Errorf("%w: source: a name of 1 to 128 characters", ErrBadQuery)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) || r == unicode.ReplacementChar {
			return fmt.Errorf("%w: source %q: unprintable character", ErrBadQuery, name)
		}
	}
	return nil
}

// parseCursor reads a result ID; empty is 0 (everything held).
func parseCursor(name, s string) (uint64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q: want a result id (a non-negative integer)", ErrBadQuery, name, truncate(s, 32))
	}
	return n, nil
}

// parseTimeout reads a duration ("5s", "250ms") or a number of seconds
// ("5", "2.5"); empty takes def. It must be positive and at most limit.
func parseTimeout(s string, def, limit time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || secs != secs {
			return 0, fmt.Errorf("%w: timeout %q: want a duration like 5s or a number of seconds", ErrBadQuery, truncate(s, 32))
		}
		if secs <= 0 {
			return 0, fmt.Errorf("%w: timeout %q must be positive", ErrBadQuery, truncate(s, 32))
		}
		if secs > limit.Seconds() {
			return 0, fmt.Errorf("%w: timeout %q exceeds the limit %v", ErrBadQuery, truncate(s, 32), limit)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%w: timeout %q must be positive", ErrBadQuery, truncate(s, 32))
	}
	if d > limit {
		return 0, fmt.Errorf("%w: timeout %v exceeds the limit %v", ErrBadQuery, d, limit)
	}
	return d, nil
}

// parseLimit reads a positive count no larger than limit; empty takes limit.
func parseLimit(s string, limit int) (int, error) {
	if s == "" {
		return limit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > limit {
		return 0, fmt.Errorf("%w: limit %q: want 1 to %d", ErrBadQuery, truncate(s, 32), limit)
	}
	return n, nil
}

func parseBool(name, s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%w: %s %q: want true or false", ErrBadQuery, name, truncate(s, 32))
	}
	return b, nil
}

// truncate shortens client-supplied text quoted back in error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// eventsQuery is what GET /v1/events and POST /v1/scan take.
type eventsQuery struct {
	filter filter
	since  uint64
	replay bool
}

func parseEventsQuery(v url.Values, lastEventID string, sources func() []string) (eventsQuery, error) {
	if err := checkKeys(v, withFilterKeys(map[string]bool{"since": false})); err != nil {
		return eventsQuery{}, err
	}
	var q eventsQuery
	var err error
	if q.filter, err = parseFilter(v, sources); err != nil {
		return q, err
	}
	// The SSE reconnection header resumes a stream; an explicit since= wins.
	switch {
	case v.Has("since"):
		q.since, err = parseCursor("since", v.Get("since"))
		q.replay = true
	case lastEventID != "":
		q.since, err = parseCursor("Last-Event-ID", lastEventID)
		q.replay = true
	}
	return q, err
}

// resultsQuery is what GET /v1/results takes.
type resultsQuery struct {
	filter filter
	since  uint64
	limit  int
}

func parseResultsQuery(v url.Values, maxLimit int, sources func() []string) (resultsQuery, error) {
	if err := checkKeys(v, withFilterKeys(map[string]bool{"since": false, "limit": false})); err != nil {
		return resultsQuery{}, err
	}
	var q resultsQuery
	var err error
	if q.filter, err = parseFilter(v, sources); err != nil {
		return q, err
	}
	if q.since, err = parseCursor("since", v.Get("since")); err != nil {
		return q, err
	}
	q.limit, err = parseLimit(v.Get("limit"), maxLimit)
	return q, err
}

// scanQuery is what POST /v1/scan takes.
type scanQuery struct {
	filter  filter
	timeout time.Duration
}

func parseScanQuery(v url.Values, def, limit time.Duration, sources func() []string) (scanQuery, error) {
	if err := checkKeys(v, withFilterKeys(map[string]bool{"timeout": false})); err != nil {
		return scanQuery{}, err
	}
	var q scanQuery
	var err error
	if q.filter, err = parseFilter(v, sources); err != nil {
		return q, err
	}
	q.timeout, err = parseTimeout(v.Get("timeout"), def, limit)
	return q, err
}

// parseDecodeQuery reads POST /v1/decode's options. symbology= names what
// to look for, as it names what to select elsewhere.
func parseDecodeQuery(v url.Values) (scanner.Options, error) {
	if err := checkKeys(v, map[string]bool{"symbology": true, "symbologies": true, "try_harder": false, "ean_addon": false,
		"msi_check": false, "telepen_numeric": false, "dpm": false}); err != nil {
		return scanner.Options{}, err
	}
	opts := scanner.Options{TryRotated: true}
	var err error
	if opts.Symbologies, err = parseSymbologies(v); err != nil {
		return opts, err
	}
	hard, err := parseBool("try_harder", v.Get("try_harder"))
	if err != nil {
		return opts, err
	}
	opts.TryHarder, opts.TryInverted = hard, hard
	if opts.AddOns, err = scanner.ParseAddOnMode(v.Get("ean_addon")); err != nil {
		return opts, fmt.Errorf("%w: ean_addon: %v", ErrBadQuery, err)
	}
	if opts.MSICheck, err = scanner.ParseMSICheck(v.Get("msi_check")); err != nil {
		return opts, fmt.Errorf("%w: msi_check: %v", ErrBadQuery, err)
	}
	if opts.TelepenNumeric, err = parseBool("telepen_numeric", v.Get("telepen_numeric")); err != nil {
		return opts, err
	}
	if opts.DPM, err = parseBool("dpm", v.Get("dpm")); err != nil {
		return opts, err
	}
	return opts, nil
}

// parseRawQuery parses a query string, refusing malformed escapes.
func parseRawQuery(raw string) (url.Values, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadQuery, err)
	}
	return v, nil
}
