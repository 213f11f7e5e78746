#!/bin/sh
# CI step for the Elasticsearch Lucene output: installs a JDK and Debian's
# Lucene 8 jars when missing (idempotent, quiet) and parses every Lucene
# query of the golden cases and of the SigmaHQ corpus (when
# ../shared/sigma-rules is present) with Lucene's classic QueryParser. Run
# from the repository root.
set -eu
have() { command -v javac >/dev/null 2>&1 && ls /usr/share/java/lucene-queryparser-*.jar >/dev/null 2>&1; }
if ! have && command -v apt-get >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq default-jdk-headless liblucene8-java >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq default-jdk-headless liblucene8-java >/dev/null 2>&1; } || true
fi
if ! have; then
	echo "lucenevalidate: skipped: javac or liblucene8-java not available"
	exit 0
fi
log=$(mktemp)
rc=0
LUCENEVALIDATE_CORPUS=1 go test -count=1 -timeout 60m -v -run 'Test.*QueriesParse' ./tools/lucenevalidate >"$log" 2>&1 || rc=$?
grep -E 'Lucene queries|corpus:|does not parse|^(ok|FAIL)' "$log" || true
[ "$rc" -eq 0 ] || tail -40 "$log"
rm -f "$log"
exit "$rc"
