#!/bin/sh
# CI step for the Elasticsearch Lucene output: installs a JDK and Debian's
# Lucene 8 jars (idempotent, quiet) and parses every Lucene query of the
# golden cases and of the SigmaHQ corpus (when ../shared/sigma-rules is
# present) with Lucene's classic QueryParser. Run from the repository root.
set -eu
if ! command -v javac >/dev/null 2>&1 || ! ls /usr/share/java/lucene-queryparser-*.jar >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq default-jdk-headless liblucene8-java >/dev/null 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq default-jdk-headless liblucene8-java >/dev/null; }
	fi
fi
go test -count=1 -timeout 60m ./tools/lucenevalidate
