// Package conf reads the daemons' TOML configuration files strictly: an
// unknown key, or a value of the wrong kind, is an error naming the key,
// its line and what the key takes, so a typo never silently leaves a
// setting at its default and a bare number never becomes nanoseconds.
package conf

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// File is a decoded configuration file. It knows the line of every key it
// set, so errors found after decoding (KeyError) can point at the line.
type File struct {
	name  string
	lines map[string]int
}

// Decode parses TOML data into v, a pointer to a struct. Every key must
// name a field (by its toml tag) and every value must have the field's
// kind: Duration takes a string with a unit, List an array of strings or
// one comma-separated string. name labels errors (usually the file path).
func Decode(name string, data []byte, v any) (*File, error) {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("conf: Decode needs a pointer to a struct, not %T", v)
	}
	c := checker{name: name}
	if err := c.check(data, t.Elem()); err != nil {
		return nil, err
	}
	// The check above refused what go-toml would get wrong; decoding
	// stays strict in case the two ever disagree.
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return nil, fmt.Errorf("%s:%d: key %s: %s", name, row, strings.Join(de.Key(), "."), strings.TrimPrefix(de.Error(), "toml: "))
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &File{name: name, lines: c.lines}, nil
}

// Locate names the file, and the line of the key a KeyError is about, in
// an error found after decoding.
func (f *File) Locate(err error) error {
	if err == nil {
		return nil
	}
	var ke *KeyError
	if errors.As(err, &ke) {
		// A key left at its default has no line: point at its table's.
		for key := ke.Key; key != ""; key = parent(key) {
			if line, ok := f.lines[key]; ok {
				return fmt.Errorf("%s:%d: %w", f.name, line, err)
			}
		}
	}
	return fmt.Errorf("%s: %w", f.name, err)
}

// parent strips a key path's last part: "source[2].width" → "source[2]".
func parent(key string) string {
	i := strings.LastIndexByte(key, '.')
	if i < 0 {
		return ""
	}
	return key[:i]
}

// KeyError is a value a validator refuses, with the key it was set by:
// "engine.queue", "source[2].width" (the second [[source]] table).
type KeyError struct {
	Key string
	Err error
}

func (e *KeyError) Error() string { return "key " + e.Key + ": " + e.Err.Error() }

// Unwrap returns the reason.
func (e *KeyError) Unwrap() error { return e.Err }

// Keyf returns a KeyError for key.
func Keyf(key, format string, args ...any) error {
	return &KeyError{Key: key, Err: fmt.Errorf(format, args...)}
}

// InTable places an error from the validator of a table under that
// table's key: a KeyError's key gets the table's as prefix, any other
// error becomes the table's.
func InTable(table string, err error) error {
	if err == nil {
		return nil
	}
	var ke *KeyError
	if errors.As(err, &ke) {
		return &KeyError{Key: table + "." + ke.Key, Err: ke.Err}
	}
	return &KeyError{Key: table, Err: err}
}

// First returns the first error that is not nil: validators check their
// keys in the file's order and report the first bad one.
func First(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Within returns a KeyError unless lo ≤ v ≤ hi.
func Within[T cmp.Ordered](key string, v, lo, hi T) error {
	if v < lo || v > hi {
		return Keyf(key, "%v is outside %v to %v", v, lo, hi)
	}
	return nil
}

// Duration is a time.Duration written in config files (and JSON) as a
// string with a unit, such as "3s", "15m" or "168h". A bare number is
// refused: it would have no unit. Negative durations are refused.
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("duration %q: want a number with a unit, like 30s or 15m", truncate(string(b), 40))
	}
	if v < 0 {
		return fmt.Errorf("duration %q must not be negative", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler (TOML and JSON).
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String returns the Go duration string, e.g. "1m30s".
func (d Duration) String() string { return time.Duration(d).String() }

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Or returns the duration, or def when it is zero.
func (d Duration) Or(def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return time.Duration(d)
}

// List is a list of strings, written in config files as an array
// (["QR_CODE", "EAN_13"]) or as one comma-separated string
// ("QR_CODE,EAN_13"). Spaces around items and empty items are dropped.
type List []string

// UnmarshalText implements encoding.TextUnmarshaler for the string form.
func (l *List) UnmarshalText(b []byte) error {
	*l = nil
	for _, s := range strings.Split(string(b), ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// String joins the list with commas.
func (l List) String() string { return strings.Join(l, ",") }
