package sitecheck

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sigconv/sigconv/internal/cli"
)

// chromiumFlags are the flags known to work for headless chromium as root
// on a machine without network access.
var chromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("SITECHECK_CHROMIUM"); p != "" {
		return p
	}
	p, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (apt-get install -y chromium)")
	}
	return p
}

func startChromium(t *testing.T) *browser {
	t.Helper()
	b, err := startBrowser(chromium(t), t.TempDir(), chromiumFlags)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	return b
}

func fileURL(t *testing.T, path, fragment string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	u := "file://" + filepath.ToSlash(abs)
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

// buildSite runs `sigconv catalog DIR -o SITE` and returns SITE.
func buildSite(t *testing.T, dir string) string {
	t.Helper()
	site := t.TempDir()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	args := []string{"catalog", dir, "-o", site}
	if code := cli.Run(args, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("sigconv %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	t.Logf("sigconv catalog %s: %s (%s)", dir, lastLine(stderr.String()), time.Since(start).Round(time.Millisecond))
	return site
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

var hrefRE = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// checkLinks checks that every local link of every HTML file of the site
// resolves to a file, and returns the number of HTML files.
func checkLinks(t *testing.T, site string) int {
	t.Helper()
	pages := 0
	err := filepath.WalkDir(site, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		pages++
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range hrefRE.FindAllStringSubmatch(string(src), -1) {
			link := m[1]
			if link == "" || strings.HasPrefix(link, "#") || strings.Contains(link, "://") {
				continue
			}
			link, _, _ = strings.Cut(link, "#")
			if _, err := os.Stat(filepath.Join(filepath.Dir(path), filepath.FromSlash(link))); err != nil {
				rel, _ := filepath.Rel(site, path)
				t.Errorf("%s: broken link %q", rel, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// indexState is what the index shows after filtering.
type indexState struct {
	Visible int    // rows not hidden
	Count   string // the "N of M rules" line written by the script
	Hash    string // location.hash
}

const indexStateJS = `({Visible: document.querySelectorAll("#rules tbody tr:not([hidden])").length,
 Count: document.getElementById("count").textContent, Hash: location.hash})`

func (tb *tab) indexState(t *testing.T) indexState {
	t.Helper()
	var s indexState
	if err := tb.eval(indexStateJS, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// load navigates to url freshly (through about:blank, so that a changed
// fragment is a new page load, not a same-document navigation).
func (tb *tab) load(t *testing.T, url string) {
	t.Helper()
	if _, err := tb.b.call(tb.session, "Page.navigate", map[string]any{"url": "about:blank"}); err != nil {
		t.Fatal(err)
	}
	if err := tb.navigate(url); err != nil {
		t.Fatal(err)
	}
}

// filterCase is one URL-fragment filter and the rows it should leave.
type filterCase struct {
	fragment string
	want     int // -1: at least one
}

func checkFilters(t *testing.T, tb *tab, index string, total int, cases []filterCase) {
	t.Helper()
	for _, tc := range cases {
		tb.load(t, fileURL(t, index, tc.fragment))
		s := tb.indexState(t)
		switch {
		case tc.want >= 0 && s.Visible != tc.want:
			t.Errorf("#%s: %d rows visible, want %d", tc.fragment, s.Visible, tc.want)
		case tc.want < 0 && s.Visible == 0:
			t.Errorf("#%s: no rows visible", tc.fragment)
		}
		if want := strconv.Itoa(s.Visible) + " of " + strconv.Itoa(total) + " rules"; s.Count != want {
			t.Errorf("#%s: count line %q, want %q", tc.fragment, s.Count, want)
		}
		t.Logf("#%s: %s", tc.fragment, s.Count)
	}
}

// checkTyping types into the search box and picks a level as a user
// would, and checks that the rows and the URL fragment follow.
func checkTyping(t *testing.T, tb *tab, index, query string, wantRows int) {
	t.Helper()
	tb.load(t, fileURL(t, index, ""))
	if err := tb.eval(`document.getElementById("f-q").focus()`, nil); err != nil {
		t.Fatal(err)
	}
	if err := tb.typeText(query); err != nil {
		t.Fatal(err)
	}
	s := tb.indexState(t)
	if s.Visible != wantRows || s.Hash != "#q="+query {
		t.Errorf("typing %q: %d rows, hash %q; want %d rows, hash #q=%s", query, s.Visible, s.Hash, wantRows, query)
	}
	if err := tb.eval(`(() => { const s = document.getElementById("f-level"); s.value = "medium"; s.dispatchEvent(new Event("change")); })()`, nil); err != nil {
		t.Fatal(err)
	}
	if s := tb.indexState(t); s.Hash != "#q="+query+"&level=medium" {
		t.Errorf("choosing level medium: hash %q", s.Hash)
	}
}

// pageSections are the section ids of a rule page, in page order.
var pageSections = []string{"attack", "events", "rule", "stages", "indicators", "queries"}

// checkClickThrough clicks the first visible rule link of the index,
// checks the rule page's title and sections, then follows its home link
// back to the index.
func checkClickThrough(t *testing.T, tb *tab, index, fragment, title string) {
	t.Helper()
	tb.load(t, fileURL(t, index, fragment))
	var href string
	if err := tb.eval(`(() => { const a = document.querySelector("#rules tbody tr:not([hidden]) a"); a.click(); return a.href; })()`, &href); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tb, `location.href`, href)
	var got struct {
		Title    string
		Sections []string
		Tactics  []string
	}
	err := tb.eval(`({Title: document.querySelector("h1").textContent,
	  Sections: Array.from(document.querySelectorAll("section[id]"), s => s.id),
	  Tactics: Array.from(document.querySelectorAll("#attack tbody td:first-child"), td => td.textContent)})`, &got)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != title {
		t.Errorf("clicked page title %q, want %q", got.Title, title)
	}
	if diff := cmp.Diff(pageSections, got.Sections); diff != "" {
		t.Errorf("rule page sections (-want +got)\n%s", diff)
	}
	if len(got.Tactics) == 0 {
		t.Error("rule page shows no ATT&CK rows")
	}
	if err := tb.eval(`document.getElementById("home").click()`, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, tb, `location.pathname.endsWith("/index.html") && document.readyState === "complete" ? "index" : ""`, "index")
}

// waitFor polls a JavaScript expression until it yields want.
func waitFor(t *testing.T, tb *tab, expr, want string) {
	t.Helper()
	var got string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err := tb.eval(expr, &got); err == nil && got == want {
			var state string
			if tb.eval(`document.readyState`, &state) == nil && state == "complete" {
				return
			}
		}
	}
	t.Fatalf("%s: got %q, want %q", expr, got, want)
}

// dumpDOM runs chromium --dump-dom on url: the plain command-line check.
func dumpDOM(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(append([]string{}, chromiumFlags...), "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium(t), args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom %s: %v", url, err)
	}
	return out.String()
}

func TestSiteRules(t *testing.T) {
	b := startChromium(t)
	site := buildSite(t, "../../rules")
	if n := checkLinks(t, site); n != 3 {
		t.Errorf("html files: got %d, want 3 (index and two rule pages)", n)
	}
	index := filepath.Join(site, "index.html")
	tb, err := b.open(fileURL(t, index, ""))
	if err != nil {
		t.Fatal(err)
	}
	checkFilters(t, tb, index, 2, []filterCase{
		{"", 2},
		{"q=devtunnels", 1},
		{"q=cloudflared%20tunnels", 1},
		{"q=nomatch", 0},
		{"tactic=exfiltration", 2},
		{"tactic=command-and-control&q=devtunnels", 1},
		{"technique=t1567", 2}, // T1567 and, by prefix, T1567.001
		{"technique=T1567.001", 1},
		{"level=medium", 2},
		{"level=high", 0},
		{"logsource=windows", 2},
		{"logsource=windows/network_connection", 2},
		{"logsource=linux", 0},
	})
	checkTyping(t, tb, index, "devtunnels", 1)
	checkClickThrough(t, tb, index, "q=devtunnels", "Network Connection Initiated To DevTunnels Domain")

	// The same filter through chromium --dump-dom, as a shell script would.
	dom := dumpDOM(t, fileURL(t, index, "q=devtunnels"))
	if !strings.Contains(dom, `<p id="count" aria-live="polite">1 of 2 rules</p>`) {
		t.Error("--dump-dom #q=devtunnels: count line is not 1 of 2 rules")
	}
	if dir := os.Getenv("SITECHECK_SHOTS"); dir != "" {
		tb.load(t, fileURL(t, index, "q=devtunnels"))
		if err := tb.screenshot(filepath.Join(dir, "index-rules.png"), 1280, 700); err != nil {
			t.Error(err)
		}
		tb.load(t, fileURL(t, filepath.Join(site, "rules/windows/network_connection/net_connection_win_domain_devtunnels.html"), ""))
		if err := tb.screenshot(filepath.Join(dir, "page-devtunnels.png"), 1280, 3000); err != nil {
			t.Error(err)
		}
	}
}

// TestSiteSigmaHQ builds the site for the whole SigmaHQ corpus; it is
// skipped when the corpus is absent or with -short.
func TestSiteSigmaHQ(t *testing.T) {
	const corpus = "../../../shared/sigma-rules/rules"
	if _, err := os.Stat(corpus); err != nil {
		t.Skip("SigmaHQ corpus absent")
	}
	if testing.Short() {
		t.Skip("long: builds a page per SigmaHQ rule")
	}
	b := startChromium(t)
	site := buildSite(t, corpus)
	pages := checkLinks(t, site)
	t.Logf("%d html files, every local link resolves", pages)
	index := filepath.Join(site, "index.html")
	tb, err := b.open(fileURL(t, index, ""))
	if err != nil {
		t.Fatal(err)
	}
	total := pages - 1
	checkFilters(t, tb, index, total, []filterCase{
		{"", total},
		{"q=devtunnels", 2}, // the DNS query and the network connection rule
		{"q=devtunnels&logsource=windows/network_connection", 1},
		{"technique=t1572&q=cloudflared", -1},
		{"tactic=command-and-control&level=high", -1},
		{"logsource=linux", -1},
	})
	checkTyping(t, tb, index, "devtunnels", 2)
	checkClickThrough(t, tb, index, "q=devtunnels&logsource=windows/network_connection", "Network Connection Initiated To DevTunnels Domain")
	if dir := os.Getenv("SITECHECK_SHOTS"); dir != "" {
		tb.load(t, fileURL(t, index, "tactic=command-and-control&level=high"))
		if err := tb.screenshot(filepath.Join(dir, "index-sigmahq.png"), 1280, 1000); err != nil {
			t.Error(err)
		}
	}
}
