package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// view is what every page template gets.
type view struct {
	Nav     string // the section the page belongs to
	Session *session
	Now     time.Time
	Flash   string
	Data    any
}

// CSRF is the form token of the page's session.
func (v *view) CSRF() string {
	if v.Session == nil {
		return ""
	}
	return v.Session.csrf
}

// pageNav says which section each page belongs to.
var pageNav = map[string]string{
	"overview": "overview", "usage": "usage", "devices": "devices", "codes": "codes",
	"licenses": "licenses", "alerts": "alerts",
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"num":     formatCount,
		"pct":     func(p float64) string { return strconv.FormatFloat(p, 'f', 0, 64) + " %" },
		"ago":     ago,
		"utc":     func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"date":    func(t time.Time) string { return t.UTC().Format("2006-01-02") },
		"iso":     func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"join":    strings.Join,
		"short":   func(id string) string { return shortID(id) },
		"minus":   func(a, b int) int { return a - b },
		"plus":    func(a, b int) int { return a + b },
		"barpct":  func(p float64) string { return strconv.FormatFloat(min(max(p, 0), 100), 'f', 1, 64) },
		"dur":     formatDuration,
		"contain": func(list []string, s string) bool { return containsString(list, s) },
		"args":    func(v ...any) []any { return v },
	}
}

// parsePages parses each page with the layout.
func parsePages() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(templateFuncs()).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFiles, n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a page; rendering goes to a buffer first, so that a
// template error is an error page, not half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, s *session, code int, name string, data any) {
	t := c.pages[name]
	v := &view{Nav: pageNav[name], Session: s, Now: c.now(), Data: data, Flash: flashes[r.URL.Query().Get("done")]}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", v); err != nil {
		c.log.Error("console: render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered: see the ltsd log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// flashes are the messages a page shows after an action redirected to it
// (?done=KEY): fixed texts, so that no link can put words on the page.
var flashes = map[string]string{
	"revoke":           "Device revoked: its next authorization will be refused.",
	"reinstate":        "Device reinstated.",
	"remove":           "Device removed: its slot is free.",
	"device-unchanged": "Nothing changed: the device was already in that state.",
	"code":             "Handshake code created.",
	"bound":            "License bound to the handshake code.",
	"imported":         "License imported.",
	"renewed":          "License renewed.",
	"unchanged":        "License already imported (unchanged).",
}

// formatCount writes n with thin spaces between thousands.
func formatCount(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u202f')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// ago writes how long before now t was, coarsely.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	default:
		return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
	}
}

func formatDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return d.String()
}

// shortID is the first block of a UUID, for narrow screens.
func shortID(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
