// Package lint checks parsed Sigma documents the way SigmaHQ's own rule
// repository CI does: identifiers, dates, tags, status and level values,
// known log sources, unused search identifiers and conditions that can never
// match. Every finding has a stable ID (see Checks) that a configuration can
// disable. It imports only ir.
package lint
