// Package attack embeds the MITRE ATT&CK® Enterprise tactics and techniques
// (data/tactics.tsv, data/techniques.tsv; source, version and notice in
// data/README.md, which must be kept with the data) and looks them up by
// the shortnames and IDs used in Sigma attack.* tags.
//
// The data is parsed from the embedded files by Load; a *Matrix is
// immutable and safe for concurrent use.
package attack
