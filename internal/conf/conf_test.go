package conf

import (
	"strings"
	"testing"
	"time"
)

type sample struct {
	Name   string   `toml:"name"`
	Forget Duration `toml:"forget"`
	Inner  struct {
		Size int `toml:"size"`
	} `toml:"inner"`
}

func TestDecode(t *testing.T) {
	var s sample
	if err := Decode("x.toml", []byte("name = \"a\"\nforget = \"3s\"\n[inner]\nsize = 4\n"), &s); err != nil {
		t.Fatal(err)
	}
	if s.Name != "a" || s.Forget.D() != 3*time.Second || s.Inner.Size != 4 {
		t.Errorf("decoded %+v", s)
	}
	for _, tc := range []struct{ in, want string }{
		{"name = \"a\"\n\n[inner]\nsise = 4\n", `x.toml:4: unknown key "inner.sise"`},
		{"forget = \"3 seconds\"\n", "x.toml:1"},
		{"forget = \"-3s\"\n", "negative"},
		{"name = \n", "x.toml:1"},
		{"name = 5\n", "x.toml:1"},
	} {
		var s sample
		err := Decode("x.toml", []byte(tc.in), &s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
	if got := Duration(0).Or(time.Minute); got != time.Minute {
		t.Errorf("Or = %v", got)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("name = \"a\"\nforget = \"3s\"\n[inner]\nsize = 4\n"))
	f.Add([]byte("[[x]]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sample
		Decode("fuzz.toml", data, &s)
	})
}
