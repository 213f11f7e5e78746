// Package winevt knows the shape of Windows event log records: how an
// event rendered from EVTX as JSON is flattened into the field names Sigma
// rules use, and which Sigma logsource (product, service, category) a
// record belongs to, from its channel, provider and event id.
//
// The tables are exported (Sources, Events) so that other packages, e.g.
// the rule catalog, can show "Sysmon | Event ID 3 | Network connection".
// They follow the SigmaHQ Windows logsource conventions: the service →
// channel list of the SigmaHQ "windows" taxonomy (as used by pySigma's
// windows pipeline) and the Sysmon event types documented at
// https://learn.microsoft.com/sysinternals/downloads/sysmon#events.
package winevt
