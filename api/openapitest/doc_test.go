package openapitest_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scannerd/scannerd/api"
	"github.com/scannerd/scannerd/api/apitest"
	"github.com/scannerd/scannerd/api/apitype"
	"github.com/scannerd/scannerd/api/openapitest"
	"github.com/scannerd/scannerd/scanner"
)

// daemon is the least a server needs: it is not asked here.
type daemon struct{}

func (daemon) Status() api.Status { return api.Status{} }

func (daemon) Decode(context.Context, func() (*scanner.Frame, error), scanner.Options) ([]scanner.Result, error) {
	return nil, nil
}

func load(t *testing.T) *openapitest.Doc {
	t.Helper()
	d, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The document names every path and method the server answers, and no
// other.
func TestDocumentNamesEveryEndpoint(t *testing.T) {
	d := load(t)
	srv := apitest.Serve(t, apitest.Config(t), daemon{}, nil, nil, nil)
	got, want := d.Operations(), srv.Endpoints()
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("openapi.yaml describes %v\nthe server answers %v", got, want)
	}
}

// The Error schema's codes are the API's, and every code's status is a
// response the document lists where the code can occur.
func TestDocumentNamesEveryErrorCode(t *testing.T) {
	d := load(t)
	var want []string
	for _, c := range apitype.Codes() {
		want = append(want, c.Code)
	}
	got := d.ErrorCodes()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("openapi.yaml's error codes %v\napitype.Codes %v", got, want)
	}
	// Where each code's status is listed: at least one operation (or the
	// answer to an unknown path or method).
	for _, c := range apitype.Codes() {
		found := false
		for path, methods := range d.Operations() {
			for _, m := range methods {
				if _, err := d.Response(m, path, c.Status, "application/json"); err == nil {
					found = true
				}
			}
		}
		if !found && c.Code != "not_found" && c.Code != "method_not_allowed" {
			t.Errorf("code %s: no operation lists status %d", c.Code, c.Status)
		}
	}
	if _, err := d.Response("GET", "/nowhere", 404, "application/json"); err != nil {
		t.Error(err)
	}
	if _, err := d.Response("DELETE", "/v1/status", 405, "application/json"); err != nil {
		t.Error(err)
	}
	if _, err := d.Response("GET", "/v1/status", 418, "application/json"); err == nil {
		t.Error("a status the document does not list was accepted")
	}
}

// The document's events are those the client and server know.
func TestDocumentNamesEveryEvent(t *testing.T) {
	want := []string{apitype.EventDebugExport, apitype.EventDisconnected, apitype.EventDropped,
		apitype.EventPreview, apitype.EventResult, apitype.EventSinkOverflow, apitype.EventSource}
	if got := load(t).SSEEvents(); !slices.Equal(got, want) {
		t.Errorf("openapi.yaml's SSE events %v, want %v", got, want)
	}
}

// The Symbology schema names every symbology the scanner reads.
func TestDocumentNamesEverySymbology(t *testing.T) {
	var want []string
	for _, s := range scanner.AllSymbologies().All() {
		want = append(want, s.String())
	}
	got := load(t).Enum("Symbology")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("openapi.yaml's symbologies %v\nthe scanner's %v", got, want)
	}
}

// Every member of every wire type is in its schema, and every member a
// schema names is in the wire type: a member added on one side only fails
// here even before a test meets it in an answer.
func TestSchemasMatchWireTypes(t *testing.T) {
	d := load(t)
	for schema, v := range map[string]any{
		"Health":              apitype.Health{},
		"Result":              apitype.Result{},
		"Sequence":            apitype.Sequence{},
		"Results":             apitype.Results{},
		"Decoded":             apitype.Decoded{},
		"Status":              apitype.Status{},
		"SourceStatus":        apitype.SourceStatus{},
		"EngineStats":         apitype.EngineStats{},
		"LicenseSummary":      apitype.LicenseSummary{},
		"SinkStatus":          apitype.SinkStatus{},
		"License":             apitype.License{},
		"Quota":               apitype.Quota{},
		"Lease":               apitype.Lease{},
		"DebugExportSettings": apitype.DebugExportSettings{},
		"DebugExportState":    apitype.DebugExportState{},
		"Dropped":             apitype.Dropped{},
		"Disconnected":        apitype.Disconnected{},
		"SinkOverflow":        apitype.SinkOverflow{},
		"PreviewSettings":     apitype.PreviewSettings{},
		"PreviewState":        apitype.PreviewState{},
		"SourceSetup":         apitype.SourceSetup{},
		"SetupSource":         apitype.SetupSource{},
		"Setup":               apitype.Setup{},
		"Error":               apitype.ErrorBody{},
	} {
		got := members(t, v)
		if want := d.Properties(schema); !slices.Equal(got, want) {
			t.Errorf("%T has the members %v\nopenapi.yaml's %s has %v", v, got, schema, want)
		}
	}
}

// members returns the JSON member names of v with every field set.
func members(t *testing.T, v any) []string {
	t.Helper()
	p := reflect.New(reflect.TypeOf(v))
	apitest.Fill(p.Elem())
	b, err := json.Marshal(p.Interface())
	if err != nil {
		t.Fatalf("%T: %v", v, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%T: %v", v, err)
	}
	return slices.Sorted(maps.Keys(m))
}

// A body that breaks the schema, and a stream event that does, are caught.
func TestChecksCatchDrift(t *testing.T) {
	d := load(t)
	r, err := d.Response("GET", "/v1/health", 200, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.CheckBody([]byte(`{"ok":true}`)); err != nil {
		t.Error(err)
	}
	if err := r.CheckBody([]byte(`{"ok":true,"extra":1}`)); err == nil {
		t.Error("an undocumented member passed")
	}
	if err := d.CheckQuery("POST", "/v1/decode", []string{"symbology", "try_harder", "dpm"}); err != nil {
		t.Error(err)
	}
	if err := d.CheckQuery("GET", "/v1/results", []string{"since", "nope"}); err == nil {
		t.Error("an undocumented query parameter passed")
	}
	r, err = d.Response("GET", "/v1/events", 200, "text/event-stream; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	s := r.Stream()
	ok := "retry: 2000\n\n: heartbeat\nid: 7\n\nid: 8\nevent: result\ndata: " +
		`{"id":8,"source":"cam0","frame":1,"symbology":"QR_CODE","text":"a","points":[[0.5,1],[2,1],[2,3],[0,3]],` +
		`"captured_at":"2026-03-01T12:00:00Z","decoded_at":"2026-03-01T12:00:00.01Z","latency_ms":10}` + "\n\n" +
		"event: dropped\ndata: {\"dropped\":3,\"reason\":\"expired\"}\n\n"
	if err := s.Write([]byte(ok)); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{
		"event: dropped\ndata: {\"dropped\":3,\"reason\":\"gone\"}\n\n",
		"event: result\ndata: {\"id\":1}\n\n",
		"event: surprise\ndata: {}\n\n",
	} {
		if err := r.Stream().Write([]byte(bad)); err == nil {
			t.Errorf("%q passed", bad)
		}
	}
	r, err = d.Response("GET", "/v1/events", 200, "application/x-ndjson")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Stream().Write([]byte(`{"event":"heartbeat","cursor":7}` + "\n" + `{"event":"dropped","dropped":1,"reason":"overflow"}` + "\n")); err != nil {
		t.Error(err)
	}
	if err := r.Stream().Write([]byte(`{"event":"heartbeat","cursor":-1}` + "\n")); err == nil {
		t.Error("a negative cursor passed")
	}
}

// Every JSON example of docs/api.md and README.md is one the document
// allows: the prose cannot show a member or value the API does not have.
// (Examples abridged with "…" are not JSON and are skipped.)
func TestDocsExamplesMatchTheSchemas(t *testing.T) {
	d := load(t)
	schemas := []string{"Error", "Result", "Status", "License", "DebugExportSettings", "DebugExportState",
		"Results", "Decoded", "Health", "Setup", "SourceSetup", "PreviewSettings", "PreviewState"}
	checked := 0
	for _, file := range []string{"api.md", filepath.Join("..", "README.md")} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(openapitest.Path()), file))
		if err != nil {
			t.Fatal(err)
		}
		for _, block := range jsonBlocks(string(b)) {
			if strings.Contains(block, "…") {
				continue
			}
			var errs []string
			for _, s := range schemas {
				err := d.CheckSchema(s, []byte(block))
				if err == nil {
					errs = nil
					break
				}
				errs = append(errs, err.Error())
			}
			if errs != nil {
				t.Errorf("%s: the example %.200s matches no schema:\n%s", file, block, strings.Join(errs, "\n"))
			}
			checked++
		}
	}
	if checked < 5 {
		t.Errorf("%d examples checked; the docs have more", checked)
	}
}

// jsonBlocks returns the ```json code blocks of a Markdown text.
func jsonBlocks(md string) []string {
	var blocks []string
	for _, part := range strings.Split(md, "```json\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		blocks = append(blocks, block)
	}
	return blocks
}
