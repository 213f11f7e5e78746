// Package interp defines the contract between sigconv verify and the query-language
// interpreters it uses to re-read emitted queries: an Interpreter parses one language into a
// Program that matches flat JSON-like events. Interpreters are written from vendor
// documentation, independently of the emitters in backends/, so that verify compares two
// independent readings of a rule.
package interp
