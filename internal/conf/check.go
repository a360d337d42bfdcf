package conf

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// checker walks a TOML document beside the Go type it is decoded into and
// reports every key the type does not have and every value of the wrong
// kind, with its line.
type checker struct {
	name  string
	p     unstable.Parser
	errs  []string
	lines map[string]int
	// arrays counts the [[tables]] seen per key path, for their index.
	arrays map[string]int
	// root is the type of the whole document.
	root reflect.Type
}

const maxErrors = 20

func (c *checker) fail(n *unstable.Node, key, format string, args ...any) {
	if len(c.errs) == maxErrors {
		c.errs = append(c.errs, fmt.Sprintf("%s: more errors not shown", c.name))
	}
	if len(c.errs) > maxErrors {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if key != "" {
		msg = "key " + key + ": " + msg
	}
	c.errs = append(c.errs, fmt.Sprintf("%s:%d: %s", c.name, c.line(n), msg))
}

func (c *checker) line(n *unstable.Node) int {
	if n == nil {
		return 0
	}
	r := n.Raw
	if r.Length == 0 && len(n.Data) > 0 {
		r = c.p.Range(n.Data)
	}
	return c.p.Shape(r).Start.Line
}

// check checks data against the type of v (a pointer to a struct).
func (c *checker) check(data []byte, t reflect.Type) error {
	c.p.Reset(data)
	c.lines, c.arrays, c.root = map[string]int{}, map[string]int{}, t
	table, tablePath := t, ""
	for c.p.NextExpression() {
		e := c.p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			keys, first := keyParts(e)
			table, tablePath = c.resolveTable(first, t, keys, e.Kind == unstable.ArrayTable)
		case unstable.KeyValue:
			if table == nil {
				continue // inside a table already reported
			}
			c.keyValue(e, table, tablePath)
		}
	}
	if err := c.p.Error(); err != nil {
		return c.syntax(err)
	}
	if len(c.errs) > 0 {
		return fmt.Errorf("%s", strings.Join(c.errs, "\n"))
	}
	return nil
}

func keyParts(e *unstable.Node) ([]string, *unstable.Node) {
	var keys []string
	var first *unstable.Node
	it := e.Key()
	for it.Next() {
		if first == nil {
			first = it.Node()
		}
		keys = append(keys, string(it.Node().Data))
	}
	return keys, first
}

// resolveTable returns the type of the table a [header] opens.
func (c *checker) resolveTable(at *unstable.Node, root reflect.Type, keys []string, array bool) (reflect.Type, string) {
	t, path := root, ""
	for i, k := range keys {
		path = join(path, k)
		f, ok := field(t, k)
		if !ok {
			c.fail(at, "", "unknown key %q", path)
			return nil, ""
		}
		t = deref(f)
		last := i == len(keys)-1
		switch {
		case t.Kind() == reflect.Slice && isTable(deref(t.Elem())):
			// [[array]] or a sub-table of its last element.
			if last && array {
				c.arrays[path]++
			}
			path = fmt.Sprintf("%s[%d]", path, max(c.arrays[path], 1))
			t = deref(t.Elem())
		case last && array:
			c.fail(at, path, "want %s, got an array of tables", describe(t))
			return nil, ""
		case !isTable(t):
			c.fail(at, path, "want %s, got a table", describe(t))
			return nil, ""
		}
		if t.Kind() == reflect.Map && !last {
			t = deref(t.Elem())
		}
	}
	c.lines[path] = c.line(at)
	return t, path
}

// keyValue checks one key = value inside a table of type t.
func (c *checker) keyValue(e *unstable.Node, t reflect.Type, tablePath string) {
	keys, first := keyParts(e)
	path := tablePath
	for i, k := range keys {
		path = join(path, k)
		ft, ok := field(t, k)
		if !ok {
			if _, top := field(c.root, k); top && i == 0 && tablePath != "" {
				// A top-level key written below a [table] header.
				c.fail(first, "", "unknown key %q (%s is a top-level key: a [table] takes every key after it, so top-level keys go before the first table)", path, k)
				return
			}
			c.fail(first, "", "unknown key %q", path)
			return
		}
		if i < len(keys)-1 {
			t = deref(ft)
			if !isTable(t) {
				c.fail(first, path, "want %s, got a table", describe(t))
				return
			}
			continue
		}
		if line, dup := c.lines[path]; dup {
			c.fail(first, path, "already set on line %d", line)
			return
		}
		c.lines[path] = c.line(first)
		c.value(e.Value(), first, deref(ft), path)
	}
}

var (
	durationType        = reflect.TypeFor[Duration]()
	listType            = reflect.TypeFor[List]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value checks a value node against the Go type t.
func (c *checker) value(v, at *unstable.Node, t reflect.Type, path string) {
	key := path
	bad := func() { c.fail(at, key, "want %s, got %s", describe(t), got(v)) }
	switch {
	case t == durationType:
		if v.Kind != unstable.String {
			if v.Kind == unstable.Integer || v.Kind == unstable.Float {
				c.fail(at, key, "want %s, got the bare number %s (give the unit)", describe(t), v.Data)
				return
			}
			bad()
			return
		}
		var d Duration
		if err := d.UnmarshalText(v.Data); err != nil {
			c.fail(at, key, "%v", err)
		}
		return
	case t == listType:
		if v.Kind == unstable.String {
			return
		}
		if v.Kind != unstable.Array {
			bad()
			return
		}
		for it := v.Children(); it.Next(); {
			if it.Node().Kind != unstable.String {
				bad()
				return
			}
		}
		return
	case reflect.PointerTo(t).Implements(textUnmarshalerType) && v.Kind == unstable.String:
		return // its text form; a table with one also takes the table form
	case reflect.PointerTo(t).Implements(textUnmarshalerType) && !isTable(t):
		bad()
		return
	}
	switch t.Kind() {
	case reflect.String:
		if v.Kind != unstable.String {
			bad()
		}
	case reflect.Bool:
		if v.Kind != unstable.Bool {
			bad()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Kind != unstable.Integer {
			bad()
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if v.Kind != unstable.Integer || strings.HasPrefix(string(v.Data), "-") {
			bad()
		}
	case reflect.Float32, reflect.Float64:
		if v.Kind != unstable.Float && v.Kind != unstable.Integer {
			bad()
		}
	case reflect.Struct:
		if v.Kind != unstable.InlineTable {
			bad()
			return
		}
		for it := v.Children(); it.Next(); {
			if it.Node().Kind == unstable.KeyValue {
				c.keyValue(it.Node(), t, path)
			}
		}
	case reflect.Map:
		if v.Kind != unstable.InlineTable {
			bad()
			return
		}
		for it := v.Children(); it.Next(); {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			keys, first := keyParts(kv)
			c.value(kv.Value(), first, deref(t.Elem()), join(path, strings.Join(keys, ".")))
		}
	case reflect.Slice, reflect.Array:
		if v.Kind != unstable.Array {
			bad()
			return
		}
		n := 0
		for it := v.Children(); it.Next(); n++ {
			c.value(it.Node(), at, deref(t.Elem()), fmt.Sprintf("%s[%d]", path, n+1))
		}
		if t.Kind() == reflect.Array && n != t.Len() {
			c.fail(at, key, "want %d values, got %d", t.Len(), n)
		}
	case reflect.Interface:
	default:
		bad()
	}
}

func (c *checker) syntax(err error) error {
	var pe *unstable.ParserError
	if !errors.As(err, &pe) || len(pe.Highlight) == 0 {
		return fmt.Errorf("%s: %w", c.name, err)
	}
	sh := c.p.Shape(c.p.Range(pe.Highlight))
	return fmt.Errorf("%s:%d:%d: %s", c.name, sh.Start.Line, sh.Start.Column, pe.Message)
}

// field finds the field a TOML key names: the one tagged with it, else
// the one named like it in any case (as go-toml does).
func field(t reflect.Type, key string) (reflect.Type, bool) {
	switch t.Kind() {
	case reflect.Map:
		return t.Elem(), true
	case reflect.Interface:
		return t, true
	case reflect.Struct:
	default:
		return nil, false
	}
	var loose reflect.Type
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		switch {
		case name == "-":
		case name == key:
			return f.Type, true
		case name == "" && f.Anonymous && deref(f.Type).Kind() == reflect.Struct:
			if ft, ok := field(deref(f.Type), key); ok {
				return ft, true
			}
		case name == "" && strings.EqualFold(f.Name, key):
			loose = f.Type
		}
	}
	return loose, loose != nil
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// isTable reports whether t is written as a table; a struct that also
// has a text form (encoding.TextUnmarshaler) takes either.
func isTable(t reflect.Type) bool {
	k := t.Kind()
	return k == reflect.Struct || k == reflect.Map || k == reflect.Interface
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe says what a value of Go type t looks like in a config file.
func describe(t reflect.Type) string {
	switch {
	case t == durationType:
		return `a duration with a unit, like "30s" or "15m"`
	case t == listType:
		return `a list of strings, like ["a", "b"] (or "a,b")`
	case reflect.PointerTo(t).Implements(textUnmarshalerType) && isTable(t):
		return "a string or a table"
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		return "a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "a table"
	case reflect.Slice, reflect.Array:
		e := deref(t.Elem())
		if isTable(e) {
			return "an array of tables"
		}
		return "an array of " + plural(describe(e))
	}
	return t.String()
}

func plural(s string) string {
	switch s {
	case "an integer":
		return "integers"
	case "a non-negative integer":
		return "non-negative integers"
	case "a number":
		return "numbers"
	case "a string":
		return "strings"
	case "true or false":
		return "booleans"
	}
	return "values (" + s + ")"
}

// got names the kind of a TOML value for an error message.
func got(v *unstable.Node) string {
	switch v.Kind {
	case unstable.String:
		return fmt.Sprintf("the string %q", truncate(string(v.Data), 40))
	case unstable.Integer:
		return "the integer " + truncate(string(v.Data), 40)
	case unstable.Float:
		return "the number " + truncate(string(v.Data), 40)
	case unstable.Bool:
		return string(v.Data)
	case unstable.Array:
		return "an array"
	case unstable.InlineTable:
		return "a table"
	}
	return "a date or time"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
