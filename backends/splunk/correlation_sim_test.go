package splunk

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestChainMarksMatchEvaluator runs the chained searches of the golden case
// splunk_corr_chains through a small interpreter of the SPL they use (eval,
// where, sort, streamstats; the leading search is only a pre-filter and is
// skipped) over the case's events, and checks that each chained
// correlation marks exactly the events at which the evaluator reports its
// internal hits (want/correlations).
func TestChainMarksMatchEvaluator(t *testing.T) {
	dir := "../../testdata/golden/splunk_corr_chains"
	queries, err := os.ReadFile(dir + "/want/splunk.default")
	if err != nil {
		t.Skip("golden case absent")
	}
	events := simEvents(t, dir+"/events.jsonl")
	qs := strings.Split(strings.TrimSpace(string(queries)), "\n\n")
	// query index, flag, field holding the group value, evaluator title
	marks := []struct {
		query             int
		flag, group, corr string
	}{
		{2, "sigma_q1_1", "User", "Many failed logons"},
		{2, "sigma_q1", "User", "Burst of failed logons, then a successful one"},
		{4, "sigma_q1", "User", "Password changed around a logon"},
		{6, "sigma_q1", "sigma_q1_g1", "Password changes and logons of one account from several workstations"},
	}
	want := map[string][]string{}
	hit := regexp.MustCompile(`^internal hit (.*): group [^=]+=(\S+) window \S+ \.\. (\S+) `)
	wantText, err := os.ReadFile(dir + "/want/correlations")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(wantText), "\n") {
		if m := hit.FindStringSubmatch(l); m != nil {
			want[m[1]] = append(want[m[1]], m[2]+" "+m[3])
		}
	}
	for _, mk := range marks {
		q := qs[mk.query]
		q = strings.TrimSpace(q[:strings.Index(q, "| where sigma_q1==1")])
		rows, err := runSPL(q, events)
		if err != nil {
			t.Fatalf("%s: %v", mk.corr, err)
		}
		var got []string
		for _, r := range rows {
			if r[mk.flag] == 1.0 {
				got = append(got, fmt.Sprint(r[mk.group])+" "+time.Unix(int64(r["_time"].(float64)), 0).UTC().Format(time.RFC3339))
			}
		}
		if len(want[mk.corr]) == 0 {
			t.Errorf("%s: no internal hit in want/correlations", mk.corr)
		}
		if diff := cmp.Diff(want[mk.corr], got); diff != "" {
			t.Errorf("%s (%s) marks (-evaluator +search):\n%s", mk.corr, mk.flag, diff)
		}
	}
}

type simRow map[string]any

// simEvents reads the events as Splunk would hold them after the
// splunk_windows pipeline: EventID is EventCode, source the Security log.
func simEvents(t *testing.T, path string) []simRow {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []simRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r simRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		ts, err := time.Parse(time.RFC3339, r["@timestamp"].(string))
		if err != nil {
			t.Fatal(err)
		}
		r["_time"] = float64(ts.Unix())
		r["EventCode"], r["source"] = r["EventID"], "WinEventLog:Security"
		rows = append(rows, r)
	}
	return rows
}

// runSPL interprets the pipeline stages of q after its first line.
func runSPL(q string, rows []simRow) ([]simRow, error) {
	stage := regexp.MustCompile(`^(?:time_window=(\d+)s )?(current=false )?(.*?)(?: by (.*))?$`)
	agg := regexp.MustCompile(`(count|dc|max|sum|last)(?:\((.*?)\))? as (\w+)(?: |$)`)
	for _, line := range strings.Split(q, "\n")[1:] {
		cmd, rest, _ := strings.Cut(strings.TrimPrefix(line, "| "), " ")
		switch cmd {
		case "eval":
			for _, a := range splitTop(rest) {
				name, expr, _ := strings.Cut(a, "=")
				e, err := parseExpr(expr)
				if err != nil {
					return nil, err
				}
				for _, r := range rows {
					r[strings.TrimSpace(name)] = e(r)
				}
			}
		case "where":
			e, err := parseExpr(rest)
			if err != nil {
				return nil, err
			}
			var kept []simRow
			for _, r := range rows {
				if e(r) == true {
					kept = append(kept, r)
				}
			}
			rows = kept
		case "sort":
			sort.SliceStable(rows, func(i, j int) bool { return rows[i]["_time"].(float64) < rows[j]["_time"].(float64) })
		case "streamstats":
			m := stage.FindStringSubmatch(rest)
			if m == nil {
				return nil, fmt.Errorf("streamstats %q", rest)
			}
			window := -1.0
			if m[1] != "" {
				w, _ := strconv.Atoi(m[1])
				window = float64(w)
			}
			type fn struct {
				op, as string
				arg    func(simRow) any
			}
			var fns []fn
			for _, a := range agg.FindAllStringSubmatch(m[3], -1) {
				arg := a[2]
				if strings.HasPrefix(arg, "eval(") {
					arg = arg[5 : len(arg)-1]
				}
				if arg == "" {
					arg = "1"
				}
				e, err := parseExpr(arg)
				if err != nil {
					return nil, err
				}
				fns = append(fns, fn{a[1], a[3], e})
			}
			type past struct {
				t    float64
				vals []any
			}
			hist := map[string][]past{}
			for _, r := range rows {
				var key []string
				for _, b := range strings.Fields(m[4]) {
					if r[b] == nil {
						key = nil
						break
					}
					key = append(key, fmt.Sprint(r[b]))
				}
				vals := make([]any, len(fns))
				for i, f := range fns {
					vals[i] = f.arg(r)
				}
				if key == nil && m[4] != "" {
					for _, f := range fns {
						r[f.as] = nil
					}
					continue
				}
				k := strings.Join(key, "\x00")
				now := r["_time"].(float64)
				var win []past
				for _, p := range hist[k] {
					if window < 0 || p.t >= now-window {
						win = append(win, p)
					}
				}
				if m[2] == "" {
					win = append(win, past{now, vals})
				}
				for i, f := range fns {
					var xs []any
					for _, p := range win {
						if p.vals[i] != nil {
							xs = append(xs, p.vals[i])
						}
					}
					r[f.as] = aggregate(f.op, xs)
				}
				hist[k] = append(hist[k], past{now, vals})
			}
		default:
			return nil, fmt.Errorf("unknown command %q", line)
		}
	}
	return rows, nil
}

func aggregate(op string, xs []any) any {
	switch op {
	case "count":
		return float64(len(xs))
	case "dc":
		seen := map[string]bool{}
		for _, x := range xs {
			seen[fmt.Sprint(x)] = true
		}
		return float64(len(seen))
	}
	if len(xs) == 0 {
		return nil
	}
	switch op {
	case "last":
		return xs[len(xs)-1]
	case "max":
		m := simNum(xs[0])
		for _, x := range xs {
			m = max(m, simNum(x))
		}
		return m
	}
	s := 0.0
	for _, x := range xs {
		s += simNum(x)
	}
	return s
}

func simNum(x any) float64 {
	switch v := x.(type) {
	case float64:
		return v
	case string:
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return 0
}

// splitTop splits s at commas outside parentheses and strings.
func splitTop(s string) []string {
	var parts []string
	depth, quote, start := 0, byte(0), 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}
