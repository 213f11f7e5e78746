#!/usr/bin/env bash
# Corpus job: runs every rules* folder of the SigmaHQ corpus
# (../shared/sigma-rules, or $SIGMA_RULES) through `sigconv check` (with
# lint) and through check -t TARGET for every target, then compares the
# per-folder counts with .ci/corpus-expectations.tsv:
#
#     folder  target  converted  refused  failed      (target "check": valid rules)
#     folder  lint:ID  findings
#
# It fails on a crash or usage error (exit status > 1), on any internal
# error, and on any count that differs from the expectations file, printing
# the diff. After an intended change, regenerate the file and review it:
#
#     .ci/corpus.sh --update
#
# The binary is built once and the targets run two at a time.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)
expect=$root/.ci/corpus-expectations.tsv
update=false
[ "${1:-}" = "--update" ] && update=true

corpus=${SIGMA_RULES:-$root/../shared/sigma-rules}
if [ ! -d "$corpus" ]; then
	echo "corpus: skipped, $corpus not present"
	exit 0
fi
# Folder names relative to the corpus (check runs there), so that every
# reported path starts with its folder.
dirs=()
for d in "$corpus"/rules*; do
	[ -d "$d" ] && dirs+=("$(basename "$d")")
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/sigconv" ./cmd/sigconv
targets="check $("$work/sigconv" list targets | awk 'NR > 1 && $1 != "ir" {print $1}')"

# run TARGET: one check run over every folder; NDJSON in $work/TARGET.json,
# exit status in $work/TARGET.rc.
run() {
	local t=$1 args=(check --json)
	if [ "$t" = check ]; then args+=(--strict); else args+=(--no-lint -t "$t"); fi
	set +e
	(cd "$corpus" && "$work/sigconv" "${args[@]}" "${dirs[@]}") >"$work/$t.json" 2>"$work/$t.err"
	echo $? >"$work/$t.rc"
}
export -f run
export work corpus
printf '%s\n' $targets | SHELL=bash xargs -P 2 -I{} bash -c 'dirs=("$@"); run {}' _ "${dirs[@]}"

status=0
for t in $targets; do
	rc=$(cat "$work/$t.rc")
	if [ "$rc" -gt 1 ]; then
		echo "corpus: sigconv check ${t/check/} exited with $rc (crash or usage error):"
		tail -20 "$work/$t.err"
		status=1
	fi
	n=$(grep -c '"code":"internal-error"' "$work/$t.json" || true)
	if [ "$n" -gt 0 ]; then
		echo "corpus: $n internal errors with target $t:"
		grep '"code":"internal-error"' "$work/$t.json" | head -5
		status=1
	fi
done

# Counts per folder (the first path component below the corpus).
for t in $targets; do
	awk -v t="$t" '
		function folder(p) { sub("/.*", "", p); return p }
		/"type":"result"/ {
			match($0, /"file":"[^"]*"/); f = folder(substr($0, RSTART + 8, RLENGTH - 9))
			match($0, /"status":"[a-z]*"/); s = substr($0, RSTART + 10, RLENGTH - 11)
			seen[f] = 1; c[f, s]++
		}
		/"type":"lint"/ {
			match($0, /"pos":"[^"]*"/); f = folder(substr($0, RSTART + 7, RLENGTH - 8))
			match($0, /"id":"[^"]*"/); id = substr($0, RSTART + 6, RLENGTH - 7)
			lint[f "\tlint:" id]++
		}
		END {
			for (f in seen) printf "%s\t%s\t%d\t%d\t%d\n", f, t, c[f, "converted"], c[f, "refused"], c[f, "failed"]
			for (k in lint) printf "%s\t%d\n", k, lint[k]
		}' "$work/$t.json"
done | LC_ALL=C sort >"$work/counts.tsv"

header="# folder	target	converted	refused	failed (check: valid rules); folder	lint:ID	findings -- regenerate with .ci/corpus.sh --update"
if $update; then
	{ echo "$header"; cat "$work/counts.tsv"; } >"$expect"
	echo "corpus: wrote $expect ($(wc -l <"$work/counts.tsv") rows)"
	exit $status
fi
if ! diff -u <(grep -v '^#' "$expect" 2>/dev/null || true) "$work/counts.tsv" >"$work/diff"; then
	echo "corpus: counts differ from .ci/corpus-expectations.tsv (- expected, + now):"
	cat "$work/diff"
	echo "corpus: if the change is intended, run .ci/corpus.sh --update and review the diff"
	status=1
fi
[ $status -eq 0 ] && echo "corpus: ok, ${#dirs[@]} folders x $(echo $targets | wc -w) runs match .ci/corpus-expectations.tsv"
exit $status
