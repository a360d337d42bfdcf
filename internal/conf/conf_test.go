package conf

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

type spec struct {
	Name        string             `toml:"name"`
	Width       int                `toml:"width"`
	FPS         float64            `toml:"fps"`
	Symbologies List               `toml:"symbologies"`
	Region      []int              `toml:"region"`
	Properties  map[string]float64 `toml:"properties"`
	TryRotated  *bool              `toml:"try_rotated"`
}

// store takes "store = PATH" or a [store] table.
type store struct {
	Path string `toml:"path"`
	URL  string `toml:"url"`
}

func (s *store) UnmarshalText(b []byte) error { s.Path = string(b); return nil }

type sample struct {
	Store  store    `toml:"store"`
	Name   string   `toml:"name"`
	Forget Duration `toml:"forget"`
	Inner  struct {
		Size int      `toml:"size"`
		Keys []string `toml:"keys"`
	} `toml:"inner"`
	Sources []spec `toml:"source"`
}

func TestDecode(t *testing.T) {
	var s sample
	_, err := Decode("x.toml", []byte(`name = "a"
forget = "3s"
[inner]
size = 4
keys = ["k1", 'k2']
[[source]]
name = "one"
symbologies = ["QR_CODE", "EAN_13"]
[source.properties]
focus = 30
[[source]]
name = "two"
symbologies = "QR_CODE, CODE_128,"
region = [1, 2, 3, 4]
try_rotated = false
fps = 15
`), &s)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"store = \"a.db\"\n", "[store]\npath = \"a.db\"\n", "store = {path = \"a.db\"}\n"} {
		var s sample
		if _, err := Decode("x.toml", []byte(in), &s); err != nil || s.Store.Path != "a.db" {
			t.Errorf("%q: %+v, %v", in, s.Store, err)
		}
	}
	if s.Name != "a" || s.Forget.D() != 3*time.Second || s.Inner.Size != 4 || len(s.Inner.Keys) != 2 || len(s.Sources) != 2 {
		t.Fatalf("decoded %+v", s)
	}
	one, two := s.Sources[0], s.Sources[1]
	if one.Symbologies.String() != "QR_CODE,EAN_13" || one.Properties["focus"] != 30 {
		t.Errorf("first source %+v", one)
	}
	if two.Symbologies.String() != "QR_CODE,CODE_128" || len(two.Region) != 4 || two.TryRotated == nil || *two.TryRotated || two.FPS != 15 {
		t.Errorf("second source %+v", two)
	}
}

// TestDecodeErrors: every refusal names the file, the line, the key and
// what the key takes.
func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"name = \"a\"\n\n[inner]\nsise = 4\n", `x.toml:4: unknown key "inner.sise"`},
		{"forget = 3\n", `x.toml:1: key forget: want a duration with a unit, like "30s" or "15m", got the bare number 3`},
		{"forget = 2.5\n", `x.toml:1: key forget: want a duration with a unit`},
		{"forget = \"3 seconds\"\n", `x.toml:1: key forget: duration "3 seconds": want a number with a unit`},
		{"forget = \"-3s\"\n", `x.toml:1: key forget: duration "-3s" must not be negative`},
		{"forget = true\n", `x.toml:1: key forget: want a duration with a unit, like "30s" or "15m", got true`},
		{"name = \n", "x.toml:1:"},
		{"[inner\n", "x.toml:1:"},
		{"name = 5\n", `x.toml:1: key name: want a string, got the integer 5`},
		{"\n[inner]\nsize = \"4\"\n", `x.toml:3: key inner.size: want an integer, got the string "4"`},
		{"\n[inner]\nsize = 4.5\n", `x.toml:3: key inner.size: want an integer, got the number 4.5`},
		{"[inner]\nkeys = \"k1\"\n", `x.toml:2: key inner.keys: want an array of strings, got the string "k1"`},
		{"inner = 3\n", `x.toml:1: key inner: want a table, got the integer 3`},
		{"[[inner]]\n", `x.toml:1: key inner: want a table, got an array of tables`},
		{"[name]\n", `x.toml:1: key name: want a string, got a table`},
		{"[[source]]\nname = \"a\"\n[[source]]\nregion = [1, \"x\"]\n", `x.toml:4: key source[2].region[2]: want an integer, got the string "x"`},
		{"[[source]]\nsymbologies = [1]\n", `x.toml:2: key source[1].symbologies: want a list of strings, like ["a", "b"] (or "a,b"), got an array`},
		{"[[source]]\n[source.properties]\nfocus = \"near\"\n", `x.toml:3: key source[1].properties.focus: want a number, got the string "near"`},
		{"source = [{name = \"x\", width = \"w\"}]\n", `x.toml:1: key source[1].width: want an integer, got the string "w"`},
		{"inner.size = 1\ninner.color = 2\n", `x.toml:2: unknown key "inner.color"`},
		{"store = 5\n", `x.toml:1: key store: want a string or a table, got the integer 5`},
		{"[store]\nfile = \"x\"\n", `x.toml:2: unknown key "store.file"`},
		// A top-level key below a table: what TOML made of it, and why.
		{"[inner]\nsize = 1\nforget = \"3s\"\n", `x.toml:3: unknown key "inner.forget" (forget is a top-level key: a [table] takes every key after it, so top-level keys go before the first table)`},
		// A key set twice: named in full, with both lines.
		{"[inner]\nsize = 1\n\nsize = 2\n", `x.toml:4: key inner.size: already set on line 2`},
		{"[[source]]\nname = \"a\"\n[[source]]\nname = \"b\"\nname = \"c\"\n", `x.toml:5: key source[2].name: already set on line 4`},
	} {
		var s sample
		_, err := Decode("x.toml", []byte(tc.in), &s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
	// Every bad key is reported, not only the first.
	var s sample
	_, err := Decode("x.toml", []byte("nme = 1\nforget = 3\n[inner]\nsize = \"x\"\n"), &s)
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("three bad keys reported as %v", err)
	}
}

// TestLocate: errors found after decoding point at the key's line, or its
// table's when the key was left at its default.
func TestLocate(t *testing.T) {
	var s sample
	f, err := Decode("x.toml", []byte("[inner]\nsize = 4\n[[source]]\nname = \"a\"\n[[source]]\nname = \"b\"\nwidth = 9\n"), &s)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{InTable("inner", Keyf("size", "too big")), "x.toml:2: key inner.size: too big"},
		{InTable("source[2]", Keyf("width", "too wide")), "x.toml:7: key source[2].width: too wide"},
		{InTable("source[2]", Keyf("fps", "too fast")), "x.toml:5: key source[2].fps: too fast"},
		{InTable("source[1]", errors.New("no url")), "x.toml:3: key source[1]: no url"},
		{errors.New("plain"), "x.toml: plain"},
		{Within("inner.size", 4, 0, 3), "x.toml:2: key inner.size: 4 is outside 0 to 3"},
	} {
		if got := f.Locate(tc.err).Error(); got != tc.want {
			t.Errorf("Locate = %q, want %q", got, tc.want)
		}
	}
	if f.Locate(nil) != nil || Within("k", 3, 0, 3) != nil {
		t.Error("no error became one")
	}
}

func TestDurationJSON(t *testing.T) {
	var v struct {
		D Duration `json:"d"`
	}
	if err := json.Unmarshal([]byte(`{"d":"10m"}`), &v); err != nil || v.D.D() != 10*time.Minute {
		t.Errorf("10m: %v %v", v.D, err)
	}
	for _, bad := range []string{`{"d":600}`, `{"d":"-1s"}`, `{"d":"600"}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if b, _ := json.Marshal(v); string(b) != `{"d":"10m0s"}` {
		t.Errorf("marshalled %s", b)
	}
	if got := Duration(0).Or(time.Minute); got != time.Minute {
		t.Errorf("Or = %v", got)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("name = \"a\"\nforget = \"3s\"\n[inner]\nsize = 4\n"))
	f.Add([]byte("[[source]]\nsymbologies = [\"QR_CODE\"]\n[source.properties]\nfocus = 1\n"))
	f.Add([]byte("source = [{name = \"x\", region = [1, 2, 3, 4]}]\ninner.keys = []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sample
		_, err := Decode("fuzz.toml", data, &s)
		if err == nil && s.Forget < 0 {
			t.Errorf("negative duration accepted: %q", data)
		}
		// Kinds are the checker's to refuse, with the expected type named;
		// go-toml's own refusal means the checker let one through.
		if err != nil && strings.Contains(err.Error(), "cannot decode TOML") {
			t.Errorf("%q: a type error the check missed: %v", data, err)
		}
	})
}
