package console_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// a11yCheck runs in the page and returns what fails: every form control
// labelled, every link and button named, one main landmark and one h1,
// headings without skipped levels, images with text alternatives.
const a11yCheck = `(() => {
	const bad = [];
	const name = e => (e.getAttribute("aria-label") || "").trim() ||
		(e.getAttribute("aria-labelledby") || "").split(" ").map(id => document.getElementById(id)?.textContent || "").join("").trim() ||
		e.textContent.trim() || (e.querySelector("img[alt]")?.alt || "").trim() || (e.value || "").trim();
	for (const e of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
		if (e.labels.length === 0 && !name(e)) bad.push("unlabelled " + e.outerHTML.slice(0, 80));
	}
	for (const e of document.querySelectorAll("a[href], button")) {
		if (!name(e)) bad.push("unnamed " + e.outerHTML.slice(0, 80));
	}
	if (document.querySelectorAll("main").length !== 1) bad.push("main landmarks: " + document.querySelectorAll("main").length);
	if (document.querySelectorAll("h1").length !== 1) bad.push("h1 headings: " + document.querySelectorAll("h1").length);
	let last = 0;
	for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
		const level = +h.tagName[1];
		if (level > last + 1) bad.push("heading skips from h" + last + " to " + h.tagName + ": " + h.textContent.trim());
		last = level;
	}
	for (const e of document.querySelectorAll("img:not([alt])")) bad.push("image without alt " + e.src);
	for (const e of document.querySelectorAll("svg[role=img]")) if (!name(e)) bad.push("svg image without a name");
	if (!document.documentElement.lang) bad.push("no lang");
	if (!document.title.trim()) bad.push("no title");
	if (document.querySelector("header") && !document.querySelector("nav[aria-label]")) bad.push("no labelled nav");
	return bad;
})()`

// focusables marks every action of the page and returns how many there are.
const focusables = `(() => {
	const all = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary")]
		.filter(e => e.getClientRects().length > 0 && !e.disabled);
	all.forEach((e, i) => e.dataset.a11y = i);
	return all.length;
})()`

// TestBrowserAccessibility: every page passes the check above, and Tab
// alone reaches every action on it, at 1280 and 375 pixels.
func TestBrowserAccessibility(t *testing.T) {
	t.Parallel()
	ctx := tab(t)
	f := newFixture(t)
	navigate(t, ctx, f.url)
	if bad := eval[[]string](t, ctx, a11yCheck); len(bad) > 0 {
		t.Errorf("sign-in page: %q", bad)
	}
	// The check finds what it looks for.
	if bad := eval[[]string](t, ctx, `document.querySelector("label").remove(); document.body.append(document.createElement("h4"));`+a11yCheck); len(bad) != 2 {
		t.Errorf("the check missed an unlabelled input or a skipped heading: %q", bad)
	}
	signInBrowser(t, ctx, f, adminName)
	for _, w := range []int64{1280, 375} {
		must(t, chromedp.Do(ctx, chromedp.EmulateViewport(w, 800)))
		for _, p := range []string{"", "usage?code=" + f.acme, "devices", "codes", "licenses", "alerts"} {
			navigate(t, ctx, f.url+p)
			if bad := eval[[]string](t, ctx, a11yCheck); len(bad) > 0 {
				t.Errorf("/console/%s at %d px: %q", p, w, bad)
			}
			n := eval[int](t, ctx, focusables)
			reached := map[string]bool{}
			for range n + 3 {
				must(t, chromedp.Do(ctx, chromedp.KeyEvent("\t")))
				if id := eval[string](t, ctx, `document.activeElement?.dataset?.a11y || ""`); id != "" {
					reached[id] = true
				}
			}
			if len(reached) != n {
				t.Errorf("/console/%s at %d px: Tab reached %d of %d actions", p, w, len(reached), n)
			}
		}
	}
}
