// Package sitecheck is a test-only package that checks the static catalog
// site (sigconv catalog) in a real headless browser, Debian's chromium:
// it builds the site for the repository's rules/ (and for the SigmaHQ
// corpus in ../shared/sigma-rules/rules when present) through the CLI
// entry point, checks that every local link resolves, renders pages with
// chromium --dump-dom and checks their sections, and checks that the index
// filters through its URL fragment (index.html#q=devtunnels).
//
// The test skips when chromium is not installed (apt-get install -y
// chromium). Set SITECHECK_SHOTS=DIR to also save screenshots of the index
// and a rule page into DIR; set SITECHECK_CHROMIUM to use another binary.
package sitecheck
