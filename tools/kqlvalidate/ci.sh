#!/bin/sh
# Validates sigconv's KQL output with Microsoft's Kusto.Language parser and
# semantic analyser (npm @kusto/language-service-next): the golden
# kql.default queries always, and every query converted from the SigmaHQ
# corpus with each built-in KQL pipeline when ../shared/sigma-rules exists.
# Called from .ci/run; needs node and npm. Idempotent and quiet.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1; then
		apt-get install -y -qq nodejs npm >/dev/null
	else
		echo "kqlvalidate: node/npm not found" >&2
		exit 1
	fi
fi
if [ ! -d "$here/node_modules/@kusto/language-service-next" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --silent)
fi
cd "$root"
log=$(mktemp)
status=0
SIGCONV_KQL_VALIDATE=1 go test ./backends/kql -count=1 -timeout 30m -v \
	-run 'TestValidateGolden|TestValidateEmitCases|TestValidateCorpus' >"$log" 2>&1 || status=$?
grep -E '^(--- |ok|FAIL|panic)|checked [0-9]+ queries|: KS[0-9]+' "$log" || true
rm -f "$log"
exit $status
