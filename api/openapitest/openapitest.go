// Package openapitest checks the daemon's answers against the API's
// description, docs/openapi.yaml, so that the document and the server
// cannot drift apart: the tests of the socket API, the Go client, scanctl
// and the examples see every response they receive checked, through the
// client's exchange hook (Doc.Hook) or an http.RoundTripper (Doc.Transport).
package openapitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"mime"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// docURL names the document for the schema compiler's references.
const docURL = "file:///openapi.json"

// Doc is the loaded description; it is safe for concurrent use.
type Doc struct {
	raw map[string]any
	ops map[string]map[string]map[string]any // path, METHOD, the operation
	mu  sync.Mutex                           // the compiler is not safe for concurrent use
	c   *jsonschema.Compiler
}

// Path returns where the document is: docs/openapi.yaml of this module,
// whose root is the nearest directory up from the working one with a
// go.mod (go test runs a package's tests in its directory). Unlike the
// source file's own path, this holds in a build with -trimpath.
func Path() string {
	const doc = "docs/openapi.yaml"
	dir, err := os.Getwd()
	if err != nil {
		return doc
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, doc)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return doc
		}
		dir = parent
	}
}

// Load reads and checks the document.
func Load() (*Doc, error) {
	b, err := os.ReadFile(Path())
	if err != nil {
		return nil, err
	}
	var y any
	if err := yaml.Unmarshal(b, &y); err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	// Through JSON, so the values are those of a JSON document (YAML's
	// integers, maps with any keys).
	j, err := json.Marshal(stringKeys(y))
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml as JSON: %w", err)
	}
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		return nil, err
	}
	// YAML reads "{description: a, b}" as two members, the second null:
	// no member of the document is null.
	if where := findNull(raw, ""); where != "" {
		return nil, fmt.Errorf("openapi.yaml: %s is null (a flow mapping with an unquoted comma?)", where)
	}
	d := &Doc{raw: raw.(map[string]any), ops: map[string]map[string]map[string]any{}}
	if v, _ := d.raw["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		return nil, fmt.Errorf("openapi.yaml: openapi %q, want 3.1.x", v)
	}
	paths, _ := d.raw["paths"].(map[string]any)
	for p, item := range paths {
		d.ops[p] = map[string]map[string]any{}
		for m, op := range item.(map[string]any) {
			if op, ok := op.(map[string]any); ok && slices.Contains([]string{"get", "put", "post", "delete", "patch", "head", "options"}, m) {
				d.ops[p][strings.ToUpper(m)] = op
			}
		}
	}
	d.c = jsonschema.NewCompiler()
	d.c.DefaultDraft(jsonschema.Draft2020)
	d.c.AssertFormat()
	if err := d.c.AddResource(docURL, raw); err != nil {
		return nil, err
	}
	// Compile every schema now: a broken one fails here, not in the middle
	// of a test.
	for name := range d.raw["components"].(map[string]any)["schemas"].(map[string]any) {
		if _, err := d.compile("#/components/schemas/" + name); err != nil {
			return nil, fmt.Errorf("openapi.yaml: schema %s: %w", name, err)
		}
	}
	return d, nil
}

// stringKeys turns the maps YAML decodes with other keys (a status code
// written unquoted) into maps with string keys, as JSON has.
func stringKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = stringKeys(e)
		}
	case map[any]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[fmt.Sprint(k)] = stringKeys(e)
		}
		return m
	case []any:
		for i, e := range v {
			v[i] = stringKeys(e)
		}
	}
	return v
}

// findNull returns the JSON pointer of the first null in v, or "".
func findNull(v any, at string) string {
	switch v := v.(type) {
	case nil:
		return at
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			if w := findNull(v[k], at+"/"+escape(k)); w != "" {
				return w
			}
		}
	case []any:
		for i, e := range v {
			if w := findNull(e, at+"/"+strconv.Itoa(i)); w != "" {
				return w
			}
		}
	}
	return ""
}

func (d *Doc) compile(ptr string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.c.Compile(docURL + ptr)
}

// Operations returns the methods of every path the document describes.
func (d *Doc) Operations() map[string][]string {
	out := map[string][]string{}
	for p, ops := range d.ops {
		for m := range ops {
			out[p] = append(out[p], m)
		}
		slices.Sort(out[p])
	}
	return out
}

// ErrorCodes returns the codes the Error schema allows.
func (d *Doc) ErrorCodes() []string {
	var codes []string
	for _, c := range d.walk("components", "schemas", "Error", "properties", "error", "properties", "code", "enum").([]any) {
		codes = append(codes, c.(string))
	}
	return codes
}

// CheckQuery checks that every query parameter a request the server
// accepted carried is one the operation describes: a parameter added to
// the server and not to the document fails the first test that uses it.
func (d *Doc) CheckQuery(method, path string, keys []string) error {
	op, ok := d.ops[path][method]
	if !ok {
		return nil // Response reports it
	}
	params, _ := op["parameters"].([]any)
	var known []string
	for _, p := range params {
		p, _ := d.deref(p).(map[string]any)
		if p["in"] == "query" {
			known = append(known, p["name"].(string))
		}
	}
	for _, k := range keys {
		if !slices.Contains(known, k) {
			return fmt.Errorf("%s %s: the server accepted the query parameter %q, which openapi.yaml does not describe", method, path, k)
		}
	}
	return nil
}

// Enum returns the values a component schema allows.
func (d *Doc) Enum(schema string) []string {
	var vals []string
	for _, v := range d.walk("components", "schemas", schema, "enum").([]any) {
		vals = append(vals, v.(string))
	}
	return vals
}

// SSEEvents returns the event names GET /v1/events describes.
func (d *Doc) SSEEvents() []string {
	var names []string
	for n := range d.walk("paths", "/v1/events", "get", "responses", "200", "content", "text/event-stream", "x-sse-events").(map[string]any) {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// walk follows keys from the root, resolving $refs on the way.
func (d *Doc) walk(keys ...string) any {
	var v any = d.raw
	for _, k := range keys {
		v = d.deref(v).(map[string]any)[k]
	}
	return d.deref(v)
}

// deref resolves a local $ref.
func (d *Doc) deref(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	ref, ok := m["$ref"].(string)
	if !ok || !strings.HasPrefix(ref, "#/") || len(m) != 1 {
		return v
	}
	return d.walk(strings.Split(ref[2:], "/")...)
}

// Response is what the document says one response may be.
type Response struct {
	d         *Doc
	where     string
	mediaType string
	schema    *jsonschema.Schema            // a JSON body
	item      *jsonschema.Schema            // one NDJSON line
	events    map[string]*jsonschema.Schema // SSE event data by name
}

// Response finds the description of a response: its status must be
// listed for the operation, its Content-Type among the status's.
func (d *Doc) Response(method, path string, status int, contentType string) (*Response, error) {
	where := fmt.Sprintf("%s %s → %d %s", method, path, status, contentType)
	var resp any
	switch op, ok := d.ops[path][method]; {
	case ok:
		if resp, ok = op["responses"].(map[string]any)[strconv.Itoa(status)]; !ok {
			return nil, fmt.Errorf("%s: status %d is not among the operation's responses in openapi.yaml", where, status)
		}
	// A path or method the API does not have is answered as the
	// document's NotFound and MethodNotAllowed responses say.
	case d.ops[path] == nil && status == 404:
		resp = map[string]any{"$ref": "#/components/responses/NotFound"}
	case d.ops[path] != nil && status == 405:
		resp = map[string]any{"$ref": "#/components/responses/MethodNotAllowed"}
	default:
		return nil, fmt.Errorf("%s: the operation is not in openapi.yaml", where)
	}
	content, _ := d.deref(resp).(map[string]any)["content"].(map[string]any)
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("%s: Content-Type: %w", where, err)
	}
	media, ok := content[mt].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: Content-Type %s is not among the response's in openapi.yaml", where, mt)
	}
	r := &Response{d: d, where: where, mediaType: mt}
	ptr := fmt.Sprintf("#/paths/%s/%s/responses/%d/content/%s", escape(path), strings.ToLower(method), status, escape(mt))
	if ref, ok := resp.(map[string]any)["$ref"].(string); ok {
		ptr = ref + "/content/" + escape(mt)
	}
	switch {
	case media["x-ndjson-item"] != nil:
		r.item, err = d.compile(ptr + "/x-ndjson-item")
	case media["x-sse-events"] != nil:
		r.events = map[string]*jsonschema.Schema{}
		for name := range media["x-sse-events"].(map[string]any) {
			if r.events[name], err = d.compile(ptr + "/x-sse-events/" + escape(name)); err != nil {
				break
			}
		}
	case mt == "application/json":
		r.schema, err = d.compile(ptr + "/schema")
	}
	return r, err
}

// Properties returns the member names a component schema describes,
// those of the schemas it is made of (allOf) included, sorted.
func (d *Doc) Properties(schema string) []string {
	var names []string
	var collect func(v any)
	collect = func(v any) {
		m, _ := d.deref(v).(map[string]any)
		props, _ := m["properties"].(map[string]any)
		for n := range props {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		all, _ := m["allOf"].([]any)
		for _, sub := range all {
			collect(sub)
		}
	}
	collect(d.walk("components", "schemas", schema))
	slices.Sort(names)
	return names
}

// escape makes a JSON pointer token (RFC 6901).
func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// CheckBody checks a whole JSON body.
func (r *Response) CheckBody(body []byte) error {
	if r.schema == nil {
		return nil
	}
	return r.check(r.schema, body, "body")
}

func (r *Response) check(s *jsonschema.Schema, data []byte, what string) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %s is not JSON: %w: %.200q", r.where, what, err, data)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("%s: %s %.300s does not match openapi.yaml: %w", r.where, what, data, err)
	}
	return nil
}

// Stream checks an event stream as it arrives: each NDJSON line, each SSE
// event.
type Stream struct {
	r     *Response
	buf   []byte
	event string
	data  []string
}

// Stream starts checking a streamed body.
func (r *Response) Stream() *Stream { return &Stream{r: r} }

// IsStream reports whether the response is an event stream.
func (r *Response) IsStream() bool { return r.item != nil || r.events != nil }

// Write takes the next bytes of the stream and checks what they complete.
func (s *Stream) Write(p []byte) error {
	s.buf = append(s.buf, p...)
	var errs []error
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			return errors.Join(errs...)
		}
		line := strings.TrimSuffix(string(s.buf[:i]), "\r")
		s.buf = s.buf[i+1:]
		errs = append(errs, s.line(line))
	}
}

func (s *Stream) line(line string) error {
	if s.r.item != nil {
		if line == "" {
			return nil
		}
		return s.r.check(s.r.item, []byte(line), "NDJSON line")
	}
	switch {
	case line == "":
		defer func() { s.event, s.data = "", nil }()
		if s.data == nil {
			return nil
		}
		name := s.event
		if name == "" {
			name = "message"
		}
		schema, ok := s.r.events[name]
		if !ok {
			return fmt.Errorf("%s: SSE event %q is not in openapi.yaml's x-sse-events", s.r.where, name)
		}
		return s.r.check(schema, []byte(strings.Join(s.data, "\n")), "SSE event "+name)
	case strings.HasPrefix(line, ":"):
		return nil
	}
	field, value, _ := strings.Cut(line, ":")
	value = strings.TrimPrefix(value, " ")
	switch field {
	case "event":
		s.event = value
	case "data":
		s.data = append(s.data, value)
	case "id":
		if _, err := strconv.ParseUint(value, 10, 64); err != nil {
			return fmt.Errorf("%s: SSE id %q is not a cursor", s.r.where, value)
		}
	case "retry":
	default:
		return fmt.Errorf("%s: SSE field %q", s.r.where, field)
	}
	return nil
}

// CheckSchema checks a JSON value against a component schema.
func (d *Doc) CheckSchema(schema string, data []byte) error {
	s, err := d.compile("#/components/schemas/" + escape(schema))
	if err != nil {
		return err
	}
	r := &Response{d: d, where: schema}
	return r.check(s, data, "value")
}
