// Package correlate evaluates Sigma correlation rules (specification v2.1)
// over the stream of base-rule matches produced by the eval package.
//
// An Engine is built from the detection rules and the correlation rules of
// a run (New resolves references by id or name, chaining included). The
// caller feeds it, in event order, every event together with the base-rule
// matches eval.Engine found for it (Engine.Add) and finally calls
// Engine.Flush. Each call returns the correlation hits it completed.
//
// Semantics, in short (docs/correlation.md has the details):
//   - Event time comes from the configured timestamp field or, by default,
//     the first of @timestamp, timestamp, TimeCreated_SystemTime, …, UtcTime
//     (see DefaultTimestampFields). Events without a usable time are
//     counted and ignored by correlations.
//   - Windows slide: an entry belongs to the window ending at time t when
//     t − timespan ≤ its time ≤ t (both ends inclusive).
//   - Conditions without an upper bound (gt, gte, eq, neq) are evaluated on
//     every arrival, and a group reports one hit each time the condition
//     becomes true (rising edge). Conditions with an lt or lte bound are
//     evaluated when a window anchored at the group's first entry expires,
//     since only then is "few events" known.
//   - State expires with the window: groups whose newest entry is older
//     than the watermark (the latest event time seen) minus the timespan
//     are dropped. Events older than that are late and ignored.
package correlate
