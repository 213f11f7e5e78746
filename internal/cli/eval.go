package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"

	"github.com/sigconv/sigconv/eval"
	"github.com/sigconv/sigconv/eval/events"
	"github.com/sigconv/sigconv/ir"
	"github.com/sigconv/sigconv/parser"
)

// evalOptions are the flags of eval.
type evalOptions struct {
	rules     []string
	vars      string
	logsource string
	noRouting bool
	flatten   string
	explain   bool
	filters   []string // --filter files (Sigma meta filters)
	timeField []string // --timestamp-field, for correlations
}

func newEvalCmd(e *env) *cobra.Command {
	o := &evalOptions{}
	cmd := &cobra.Command{
		Use:   "eval -r RULES [-r RULES]... [flags] [EVENTS...]",
		Short: "Match Sigma rules against JSON events",
		Long: `Match the Sigma rules in RULES (files or directories) against JSON events
and print one NDJSON line per match on standard output:

  {"rule_id","rule_title","level","file","event","fields"}

where file and event (0-based) locate the event and fields holds the
event's values of the fields the rule tests. EVENTS are files (plain or
gzip) of newline-delimited JSON, a JSON array or concatenated JSON values;
standard input when none is given or for "-". Windows events rendered from
EVTX as JSON are flattened automatically (--flatten). A summary goes to
standard error. See docs/eval.md for the matching semantics.

Correlation rules among RULES are evaluated over the matches (sliding
windows by event time, see --timestamp-field) and print one line per hit:

  {"correlation_id","correlation_title","level","type","group",
   "window_start","window_end","value","events"}

Matches of rules referenced only by correlations without "generate: true"
are not printed on their own. Meta filters among RULES or given with
--filter apply to the rules they target. See docs/correlation.md.

Exit status: 0 when everything was read and compiled, 1 when a rule failed
to parse or compile or an event could not be read (the rest is still
evaluated), 2 for usage errors.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runEval(e, o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.rules, "rules", "r", nil, "rule file or directory (repeatable, required)")
	f.StringVar(&o.vars, "vars", "", "YAML or JSON file with values for %placeholders% of the expand modifier")
	f.StringVar(&o.logsource, "logsource", "", "logsource of all events, e.g. product=windows,category=process_creation")
	f.BoolVar(&o.noRouting, "no-routing", false, "try every rule on every event, whatever its logsource")
	f.StringVar(&o.flatten, "flatten", "auto", "event flattening: auto, none or winevt")
	f.BoolVar(&o.explain, "explain", false, "print to standard error, per event, each evaluated rule's searches with their verdicts and reasons")
	addEvalCorrFlags(f, o)
	return cmd
}

func runEval(e *env, o *evalOptions, args []string) error {
	if len(o.rules) == 0 {
		return usagef("eval needs at least one -r RULES")
	}
	flat, err := eval.ParseFlatten(o.flatten)
	if err != nil {
		return usageErr(err)
	}
	var opts eval.Options
	if o.vars != "" {
		if opts.Vars, err = loadVars(o.vars); err != nil {
			return usageErr(err)
		}
	}
	var ls *eval.LogSource
	if o.logsource != "" {
		l, err := eval.ParseLogSource(o.logsource)
		if err != nil {
			return usageErr(err)
		}
		ls = &l
	}

	problems := 0
	report := func(err error) {
		problems++
		fmt.Fprintf(e.stderr, "%v\n", err)
	}
	loadStart := time.Now()
	rules, others, errs := loadRules(o.rules)
	for _, err := range errs {
		report(err)
	}
	rules, cs := setupCorrelations(o, rules, others, report)
	engine, err := opts.Compile(rules...)
	var cerrs ir.ErrorList
	if errors.As(err, &cerrs) {
		for _, ce := range cerrs {
			report(fmt.Errorf("%v [%s]", ce, ce.Code))
		}
	} else if err != nil {
		report(err)
	}
	loadTime := time.Since(loadStart)

	var rt *eval.Route
	switch {
	case o.noRouting:
		rt = engine.AllRules()
	case ls != nil:
		rt = engine.RouteFor(*ls)
	}

	if len(args) == 0 {
		args = []string{"-"}
	}
	start := time.Now()
	nEvents, nMatches, n, err := evalEvents(e, engine, rt, flat, o.explain, cs, args)
	problems += n
	if err != nil {
		report(err)
	}
	elapsed := time.Since(start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(nEvents) / elapsed.Seconds()
	}
	fmt.Fprintf(e.stderr, "eval: %d events, %d rules (%d failed, loaded in %v), %d matches, %.0f events/s\n",
		nEvents, engine.Rules(), len(engine.Failed()), loadTime.Round(time.Millisecond), nMatches, rate)
	cs.summary(e.stderr)
	if problems > 0 {
		return failed()
	}
	return nil
}

// evalEvents reads the events of files (or standard input for "-"),
// decodes and matches them with one worker per CPU and writes the match
// lines in input order; problems with the events go to standard error.
// It returns the numbers of events, matches and problems, and an error
// writing the output.
func evalEvents(e *env, engine *eval.Engine, rt *eval.Route, flat eval.Flatten, withExplain bool, cs *corrState, files []string) (nEvents, nMatches, problems int, err error) {
	out := bufio.NewWriterSize(e.stdout, 1<<16)
	// Events are read in batches, decoded and matched by one worker per
	// CPU, and written in input order by a single writer.
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *evalBatch, 2*workers)
	ordered := make(chan *evalBatch, 4*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dec := eval.NewDecoder(flat)
			ev := &eval.Event{}
			for b := range jobs {
				b.run(engine, rt, dec, ev, withExplain)
				close(b.done)
			}
		}()
	}
	// Batches are recycled once written: fresh memory for every batch
	// would cost page faults and garbage collections.
	free := make(chan *evalBatch, 8*workers)
	writerDone := make(chan error)
	go func() {
		var werr error
		for b := range ordered {
			<-b.done
			nEvents += len(b.recs)
			nMatches += b.matches
			problems += b.problems
			e.stderr.Write(b.diag.Bytes())
			if werr == nil {
				werr = cs.write(out, b)
			}
			// Nothing refers to the batch any more: its match lines
			// are written and correlations keep copies.
			select {
			case free <- b:
			default:
			}
		}
		if werr == nil {
			werr = cs.flush(out)
		}
		if werr == nil {
			werr = out.Flush()
		}
		writerDone <- werr
	}()
	submit := func(b *evalBatch) {
		b.cs = cs
		ordered <- b
		jobs <- b
	}
	textHint := 0 // the longest batch text so far: growing a fresh one costs copies and page faults
	newBatch := func() *evalBatch {
		select {
		case b := <-free:
			b.reset()
			return b
		default:
			return &evalBatch{recs: make([]events.Record, 0, evalBatchSize), ends: make([]int, 0, evalBatchSize),
				text: make([]byte, 0, textHint+textHint/8), done: make(chan struct{})}
		}
	}
	batch := newBatch()
	next := func() {
		textHint = max(textHint, len(batch.text))
		submit(batch)
		batch = newBatch()
	}
	for _, file := range files {
		err := events.ReadFile(file, e.stdin, func(rec events.Record) error {
			batch.add(rec)
			if len(batch.recs) == evalBatchSize {
				next()
			}
			return nil
		})
		if err != nil {
			next()
			fmt.Fprintf(&batch.diag, "%v\n", err)
			batch.problems++
		}
	}
	submit(batch)
	close(jobs)
	close(ordered)
	wg.Wait()
	err = <-writerDone // the writer's counts are final once it is done
	return nEvents, nMatches, problems, err
}

// evalBatchSize is the number of events handed to a worker at once.
const evalBatchSize = 256

// evalBatch is a run of events with everything their evaluation printed.
type evalBatch struct {
	recs     []events.Record // Data is nil: the JSON text is in text
	text     []byte          // the events' JSON texts, one after the other
	ends     []int           // per record: the end of its text in text
	out      bytes.Buffer    // NDJSON match lines
	diag     bytes.Buffer    // problems and explanations, for standard error
	problems int
	matches  int
	done     chan struct{} // closed when the batch is evaluated
	cs       *corrState    // correlations, or nil
	corr     []corrEvent   // events that matched a correlated rule
}

// reset empties a batch that has been written, for reuse.
func (b *evalBatch) reset() {
	clear(b.recs) // drop file names
	*b = evalBatch{recs: b.recs[:0], text: b.text[:0], ends: b.ends[:0], out: b.out, diag: b.diag, done: make(chan struct{})}
	b.out.Reset()
	b.diag.Reset()
}

// add appends a record, copying its text (which the reader reuses) into
// the batch's text.
func (b *evalBatch) add(rec events.Record) {
	b.text = append(b.text, rec.Data...)
	rec.Data = nil
	b.recs = append(b.recs, rec)
	b.ends = append(b.ends, len(b.text))
}

// run decodes and matches the batch's events.
func (b *evalBatch) run(engine *eval.Engine, rt *eval.Route, dec *eval.Decoder, ev *eval.Event, withExplain bool) {
	// Events are decoded from the batch's text without copying it, so
	// their values (and those of the matches) point into it: the text is
	// not modified until the batch has been written (then it is reused).
	text := unsafe.String(unsafe.SliceData(b.text), len(b.text))
	from := 0
	var line []byte
	for k, rec := range b.recs {
		data := text[from:b.ends[k]]
		from = b.ends[k]
		if err := dec.DecodeString(ev, data); err != nil {
			line := rec.Line
			var se *eval.SyntaxError
			if errors.As(err, &se) && se.Offset <= len(data) {
				line += strings.Count(data[:se.Offset], "\n")
			}
			fmt.Fprintf(&b.diag, "%s:%d: event %d skipped: %v\n", rec.File, line, rec.Index, err)
			b.problems++
			continue
		}
		if withExplain {
			explain(&b.diag, engine, ev, rt, rec)
		}
		ms := engine.MatchRoute(ev, rt)
		for _, m := range ms {
			b.matches++
			if b.cs.reported(m) {
				line = appendMatchLine(line[:0], m, rec)
				b.out.Write(line)
			}
		}
		b.cs.keep(b, rec, ev, ms)
	}
}

func explain(w io.Writer, engine *eval.Engine, ev *eval.Event, rt *eval.Route, rec events.Record) {
	xs, routed, filtered := engine.Explain(ev, rt)
	fmt.Fprintf(w, "event %s:%d (#%d): %d rules routed, %d ruled out by the pre-filter, %d evaluated\n",
		rec.File, rec.Line, rec.Index, routed, filtered, len(xs))
	for _, x := range xs {
		verdict := "no match"
		if x.Matched {
			verdict = "MATCH"
		}
		fmt.Fprintf(w, "  %s: %s (%s)\n", verdict, x.Rule.Title, x.Rule.ID)
		for _, s := range x.Searches {
			fmt.Fprintf(w, "    %s = %v: %s\n", s.Name, s.Matched, s.Why)
		}
	}
}

// loadRules parses every *.yml / *.yaml file under the given paths (in
// lexical order) and returns the detection rules and the other documents
// (correlations and filters).
func loadRules(paths []string) ([]*ir.Rule, []ir.Document, []error) {
	var files []string
	var errs []error
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	// Parse in parallel; collect in file order so output is deterministic.
	results := make([]evalRuleFile, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = parseRuleFile(files[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	var rules []*ir.Rule
	var others []ir.Document
	for _, r := range results {
		rules = append(rules, r.rules...)
		others = append(others, r.others...)
		errs = append(errs, r.errs...)
	}
	return rules, others, errs
}

// evalRuleFile is the outcome of parsing one rule file for eval.
type evalRuleFile struct {
	rules  []*ir.Rule    // detection rules, in file order
	others []ir.Document // correlations and filters, in file order
	errs   []error       // parse and read errors
}

// parseRuleFile parses one file and returns its detection rules, or its
// errors.
func parseRuleFile(f string) (out evalRuleFile) {
	src, err := os.ReadFile(f)
	if err != nil {
		out.errs = append(out.errs, err)
		return out
	}
	docs, perrs := parser.ParseFile(f, src)
	for _, pe := range perrs {
		out.errs = append(out.errs, fmt.Errorf("%v [%s]", pe, pe.Code))
	}
	if len(perrs) > 0 {
		return out
	}
	for _, d := range docs {
		if r, ok := d.(*ir.Rule); ok {
			out.rules = append(out.rules, r)
		} else {
			out.others = append(out.others, d)
		}
	}
	return out
}

// loadVars reads placeholder values: a mapping of name to a value or a
// list of values.
func loadVars(name string) (map[string][]string, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var raw map[string]any
	if err := yaml.Unmarshal(src, &raw); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	vars := map[string][]string{}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := raw[k].(type) {
		case []any:
			for _, x := range v {
				vars[k] = append(vars[k], fmt.Sprint(x))
			}
		case nil:
			return nil, fmt.Errorf("%s: placeholder %q has no value", name, k)
		default:
			vars[k] = []string{fmt.Sprint(v)}
		}
	}
	return vars, nil
}
