// Package gen generates test events from a processed Sigma rule for sigconv verify: for each
// search group an event that should satisfy it, one that satisfies every search, and
// variations of each that probe where emitted queries usually go wrong (letter case, near
// misses at wildcard boundaries, ? versus *, missing / null / empty fields, numbers as strings
// and as numbers, arrays). The generator does not decide which events should match: the
// evaluator is the reference, so any event is useful; the generator only aims for coverage.
package gen
