#!/usr/bin/env bash
# bench.sh times whole sigconv processes over the SigmaHQ corpus and writes
# the results into docs/benchmarks.md (between the bench:begin/bench:end
# markers; the rest of that file is written by hand).
#
#   scripts/bench.sh [-n RUNS] [-c CORPUS] [-e EVENTS] [-o FILE] [-q]
#
# For every target (default format, default pipelines) and for the
# yaml.v3-decode-only bound (tools/yamlbound), it runs the process RUNS
# times, interleaved so that every round sees the same machine load, and
# reports min / median / max wall time, median CPU time (user + system) and
# peak RSS (/usr/bin/time %M). Ratios to the bound are taken from the
# medians of the same rounds. Then `sigconv eval` runs over EVENTS generated
# events with 100, 1,000 and all corpus rules at GOMAXPROCS 1 and 2, and the
# evaluator's own go test benchmarks run on one core. -q skips the eval part.
set -euo pipefail

cd "$(dirname "$0")/.."
runs=5
corpus=../shared/sigma-rules/rules
events=20000
out=docs/benchmarks.md
with_eval=1
while getopts "n:c:e:o:q" opt; do
	case $opt in
	n) runs=$OPTARG ;;
	c) corpus=$OPTARG ;;
	e) events=$OPTARG ;;
	o) out=$OPTARG ;;
	q) with_eval=0 ;;
	*) echo "usage: $0 [-n RUNS] [-c CORPUS] [-e EVENTS] [-o FILE] [-q]" >&2; exit 2 ;;
	esac
done
[ -d "$corpus" ] || { echo "bench.sh: corpus $corpus not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench.sh: needs GNU time at /usr/bin/time" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sigconv" ./cmd/sigconv
go build -o "$tmp/yamlbound" ./tools/yamlbound

targets=(splunk kql lucene dsl esql eql)
labels=("${targets[@]}" yamlbound)
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# yamlbound prints what it decoded; record it once for the table.
bound_counts=$("$tmp/yamlbound" "$corpus")

# run LABEL CMD...: one timed run appended to $tmp/LABEL.times as
# "wall cpu rss_kib"; stderr kept in $tmp/LABEL.err.
run() {
	local label=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/$label.err" || true
	awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$tmp/time" >>"$tmp/$label.times"
}

for ((i = 1; i <= runs; i++)); do
	for t in "${targets[@]}"; do
		run "$t" "$tmp/sigconv" -t "$t" "$corpus"
	done
	run yamlbound "$tmp/yamlbound" "$corpus"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# median: the median of the numbers on stdin, one per line.
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# stats LABEL: "min median max cpu_median rss_max" of the runs.
stats() {
	local f=$tmp/$1.times
	local min med max cpu rss
	min=$(cut -d' ' -f1 "$f" | sort -g | head -1)
	max=$(cut -d' ' -f1 "$f" | sort -g | tail -1)
	med=$(cut -d' ' -f1 "$f" | median)
	cpu=$(cut -d' ' -f2 "$f" | median)
	rss=$(cut -d' ' -f3 "$f" | sort -g | tail -1)
	echo "$min $med $max $cpu $rss"
}

read -r _ bmed _ bcpu _ <<<"$(stats yamlbound)"
table=$tmp/table.md
{
	echo "Whole process over \`$corpus\` ($(find "$corpus" -name '*.yml' -o -name '*.yaml' | wc -l) files), $runs interleaved rounds."
	echo "Measured $started on $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
	echo "load average (1/5/15 min) $load_before before and $load_after after."
	echo
	echo "| Process | Outcome | Wall min / median / max (s) | CPU median (s) | Peak RSS (MiB) | Wall ÷ bound | CPU ÷ bound |"
	echo "|---|---|---|---|---|---|---|"
	for l in "${labels[@]}"; do
		read -r min med max cpu rss <<<"$(stats "$l")"
		if [ "$l" = yamlbound ]; then
			name="yaml.v3 decode only (tools/yamlbound)"
			outcome=$bound_counts
		else
			name="sigconv -t $l"
			outcome=$(grep -o '[0-9]* converted, [0-9]* refused, [0-9]* failed' "$tmp/$l.err" || echo "?")
		fi
		awk -v n="$name" -v o="$outcome" -v a="$min" -v b="$med" -v c="$max" -v u="$cpu" -v r="$rss" \
			-v bm="$bmed" -v bc="$bcpu" 'BEGIN {
				printf "| %s | %s | %.2f / %.2f / %.2f | %.2f | %.1f | %.2f | %.2f |\n",
					n, o, a, b, c, u, r / 1024, (bm > 0 ? b / bm : 0), (bc > 0 ? u / bc : 0) }'
	done
} >"$table"

if [ "$with_eval" = 1 ]; then
	go run ./eval/internal/gen/evgen -n "$events" -seed 1 >"$tmp/events.jsonl"
	# N corpus files spread evenly over the path order (so that each
	# subset has the corpus's mix of log sources), as symbolic links (cp -s
	# keeps each file's absolute path under the new directory).
	find "$(realpath "$corpus")" -name '.*' -prune -o \( -name '*.yml' -o -name '*.yaml' \) -print | LC_ALL=C sort >"$tmp/files"
	total=$(wc -l <"$tmp/files")
	eruns=$((runs < 3 ? runs : 3))
	counts="100 1000 $total"
	for n in $counts; do
		mkdir -p "$tmp/rules$n"
		awk -v n="$n" -v t="$total" 'int((NR - 1) * n / t) != int(NR * n / t)' "$tmp/files" |
			xargs cp -s --parents -t "$tmp/rules$n"
	done
	{
		echo
		echo "\`sigconv eval\` over $events generated Windows events (\`eval/internal/gen\`, $(du -m "$tmp/events.jsonl" | cut -f1) MB NDJSON),"
		echo "N corpus files spread evenly over the path order, routing on; median of $eruns runs. Events/s and load time"
		echo "are the ones \`sigconv eval\` prints (wall clock, JSON decoding included; load = parse + compile)."
		echo
		echo "| Rules | GOMAXPROCS | Load (ms) | Events/s | Wall (s) | CPU (s) | Peak RSS (MiB) | Matches |"
		echo "|---|---|---|---|---|---|---|---|"
		for n in $counts; do
			for c in 1 2; do
				rm -f "$tmp/eval.times" "$tmp/eval.sum"
				for ((i = 1; i <= eruns; i++)); do
					GOMAXPROCS=$c run eval "$tmp/sigconv" eval -r "$tmp/rules$n" "$tmp/events.jsonl"
					# eval: N events, R rules (F failed, loaded in T), M matches, X events/s
					grep '^eval: ' "$tmp/eval.err" | sed -E 's/.*loaded in ([^)]*)\), ([0-9]+) matches, ([0-9.]+) events.*/\1 \2 \3/' >>"$tmp/eval.sum"
				done
				read -r _ med _ cpu rss <<<"$(stats eval)"
				# Load times print as Go durations (123.4ms or 1.2s).
				load=$(awk '{ t = $1; print (t ~ /ms$/) ? t + 0 : (t ~ /µs$/) ? t / 1000 : t * 1000 }' "$tmp/eval.sum" | median)
				eps=$(cut -d' ' -f3 "$tmp/eval.sum" | median)
				matches=$(tail -1 "$tmp/eval.sum" | cut -d' ' -f2)
				awk -v n="$n" -v c="$c" -v l="$load" -v e="$eps" -v w="$med" -v u="$cpu" -v r="$rss" -v m="$matches" \
					'BEGIN { printf "| %d | %d | %.0f | %.0f | %.2f | %.2f | %.1f | %s |\n", n, c, l, e, w, u, r / 1024, m }'
			done
		done
		echo
		echo "The evaluator's own benchmarks (\`go test ./eval -bench Corpus -cpu 1\`; CPU time per operation from getrusage):"
		echo
		echo '```'
		go test ./eval -run '^$' -bench 'Corpus(Load|Match)' -cpu 1 2>&1 | grep -E '^Benchmark' || true
		echo '```'
	} >>"$table"
fi

begin='<!-- bench:begin (scripts/bench.sh writes this part) -->'
end='<!-- bench:end -->'
if [ -f "$out" ] && grep -qF "$begin" "$out"; then
	awk -v b="$begin" -v e="$end" -v t="$table" '
		$0 == b { print; while ((getline l < t) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip' "$out" >"$tmp/out.md"
	cp "$tmp/out.md" "$out"
else
	{ echo "$begin"; cat "$table"; echo "$end"; } >>"$out"
fi
cat "$table"
