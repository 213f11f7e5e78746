// Package gen generates realistic, reproducible Windows event streams for
// the evaluator's benchmarks: EVTX records rendered as JSON (the shape of
// evtx_dump -o jsonl) for Sysmon process creation, network connections,
// image loads, file creation, registry changes and DNS queries,
// PowerShell script blocks and Security logons and process creations.
package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Kinds lists the generated event kinds with their relative weights, so
// the mix resembles a workstation's Sysmon + Security + PowerShell log.
var kinds = []struct {
	name   string
	weight int
	make   func(g *Generator) (string, string, int, map[string]any)
}{
	{"sysmon1", 20, (*Generator).procCreate},
	{"sysmon3", 15, (*Generator).netConn},
	{"sysmon7", 20, (*Generator).imageLoad},
	{"sysmon11", 10, (*Generator).fileCreate},
	{"sysmon13", 10, (*Generator).regSet},
	{"sysmon22", 10, (*Generator).dnsQuery},
	{"ps4104", 5, (*Generator).scriptBlock},
	{"sec4624", 7, (*Generator).logon},
	{"sec4688", 3, (*Generator).secProc},
}

// Generator produces events from a seeded random source.
type Generator struct {
	r     *rand.Rand
	n     int
	t     time.Time
	total int
}

// New returns a generator with the given seed.
func New(seed uint64) *Generator {
	g := &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), t: time.Date(2024, 5, 27, 8, 0, 0, 0, time.UTC)}
	for _, k := range kinds {
		g.total += k.weight
	}
	return g
}

// Events returns n events, one JSON object per element.
func (g *Generator) Events(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = g.Next()
	}
	return out
}

// Next returns the next event as JSON.
func (g *Generator) Next() []byte {
	w := g.r.IntN(g.total)
	for _, k := range kinds {
		if w < k.weight {
			channel, provider, id, data := k.make(g)
			return g.record(channel, provider, id, data)
		}
		w -= k.weight
	}
	panic("unreachable")
}

func (g *Generator) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *Generator) guid() string {
	return fmt.Sprintf("{%08x-%04x-%04x-%04x-%012x}", g.r.Uint32(), g.r.Uint32()&0xffff, g.r.Uint32()&0xffff, g.r.Uint32()&0xffff, g.r.Uint64()&0xffffffffffff)
}

func (g *Generator) record(channel, provider string, id int, data map[string]any) []byte {
	g.n++
	g.t = g.t.Add(time.Duration(g.r.IntN(500)) * time.Millisecond)
	ev := map[string]any{
		"Event": map[string]any{
			"#attributes": map[string]any{"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
			"System": map[string]any{
				"Provider":      map[string]any{"#attributes": map[string]any{"Name": provider, "Guid": "{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"}},
				"EventID":       id,
				"Version":       5,
				"Level":         4,
				"Task":          id,
				"Opcode":        0,
				"Keywords":      "0x8000000000000000",
				"TimeCreated":   map[string]any{"#attributes": map[string]any{"SystemTime": g.t.Format("2006-01-02T15:04:05.000000Z")}},
				"EventRecordID": 100000 + g.n,
				"Correlation":   nil,
				"Execution":     map[string]any{"#attributes": map[string]any{"ProcessID": 3124, "ThreadID": 4012}},
				"Channel":       channel,
				"Computer":      g.pick(hosts),
				"Security":      map[string]any{"#attributes": map[string]any{"UserID": "S-1-5-18"}},
			},
			"EventData": data,
		},
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return b
}

const sysmonChannel, sysmonProvider = "Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-Sysmon"

func (g *Generator) utc() string { return g.t.Format("2006-01-02 15:04:05.000") }

func (g *Generator) proc() (image, cmd string) {
	p := procs[g.r.IntN(len(procs))]
	return p[0], p[1]
}

func (g *Generator) procCreate() (string, string, int, map[string]any) {
	img, cmd := g.proc()
	pimg, pcmd := g.proc()
	name := img[strings.LastIndexByte(img, '\\')+1:]
	return sysmonChannel, sysmonProvider, 1, map[string]any{
		"RuleName": "-", "UtcTime": g.utc(), "ProcessGuid": g.guid(), "ProcessId": 1000 + g.r.IntN(9000),
		"Image": img, "FileVersion": "10.0.19041.1", "Description": name, "Product": "Microsoft® Windows® Operating System",
		"Company": "Microsoft Corporation", "OriginalFileName": strings.ToUpper(name[:1]) + name[1:],
		"CommandLine": cmd, "CurrentDirectory": `C:\Windows\system32\`, "User": g.pick(users),
		"LogonGuid": g.guid(), "LogonId": "0x3e7", "TerminalSessionId": 0, "IntegrityLevel": g.pick([]string{"System", "High", "Medium"}),
		"Hashes":            fmt.Sprintf("SHA1=%040X,MD5=%032X,SHA256=%064X,IMPHASH=%032X", g.r.Uint64(), g.r.Uint64(), g.r.Uint64(), g.r.Uint64()),
		"ParentProcessGuid": g.guid(), "ParentProcessId": 500 + g.r.IntN(5000), "ParentImage": pimg, "ParentCommandLine": pcmd,
		"ParentUser": g.pick(users),
	}
}

func (g *Generator) netConn() (string, string, int, map[string]any) {
	img, _ := g.proc()
	return sysmonChannel, sysmonProvider, 3, map[string]any{
		"RuleName": "-", "UtcTime": g.utc(), "ProcessGuid": g.guid(), "ProcessId": 1000 + g.r.IntN(9000),
		"Image": img, "User": g.pick(users), "Protocol": "tcp", "Initiated": g.pick([]string{"true", "true", "false"}),
		"SourceIsIpv6": "false", "SourceIp": fmt.Sprintf("10.1.%d.%d", g.r.IntN(255), g.r.IntN(255)), "SourceHostname": g.pick(hosts),
		"SourcePort": 49152 + g.r.IntN(16000), "SourcePortName": "-", "DestinationIsIpv6": "false",
		"DestinationIp":       fmt.Sprintf("%d.%d.%d.%d", 20+g.r.IntN(200), g.r.IntN(255), g.r.IntN(255), g.r.IntN(255)),
		"DestinationHostname": g.pick(domains), "DestinationPort": g.pick([]string{"443", "80", "445", "3389", "7844"}), "DestinationPortName": "https",
	}
}

func (g *Generator) imageLoad() (string, string, int, map[string]any) {
	img, _ := g.proc()
	dll := g.pick(dlls)
	return sysmonChannel, sysmonProvider, 7, map[string]any{
		"RuleName": "-", "UtcTime": g.utc(), "ProcessGuid": g.guid(), "ProcessId": 1000 + g.r.IntN(9000),
		"Image": img, "ImageLoaded": dll, "FileVersion": "10.0.19041.1", "Description": "Windows library",
		"Product": "Microsoft® Windows® Operating System", "Company": "Microsoft Corporation",
		"OriginalFileName": dll[strings.LastIndexByte(dll, '\\')+1:], "Hashes": fmt.Sprintf("SHA256=%064X", g.r.Uint64()),
		"Signed": "true", "Signature": "Microsoft Windows", "SignatureStatus": "Valid", "User": g.pick(users),
	}
}

func (g *Generator) fileCreate() (string, string, int, map[string]any) {
	img, _ := g.proc()
	return sysmonChannel, sysmonProvider, 11, map[string]any{
		"RuleName": "-", "UtcTime": g.utc(), "ProcessGuid": g.guid(), "ProcessId": 1000 + g.r.IntN(9000),
		"Image": img, "TargetFilename": g.pick(files), "CreationUtcTime": g.utc(), "User": g.pick(users),
	}
}

func (g *Generator) regSet() (string, string, int, map[string]any) {
	img, _ := g.proc()
	return sysmonChannel, sysmonProvider, 13, map[string]any{
		"RuleName": "-", "EventType": "SetValue", "UtcTime": g.utc(), "ProcessGuid": g.guid(), "ProcessId": 1000 + g.r.IntN(9000),
		"Image": img, "TargetObject": g.pick(regKeys), "Details": g.pick([]string{"DWORD (0x00000001)", "DWORD (0x00000000)", `C:\Program Files\App\app.exe`, "Binary Data"}),
		"User": g.pick(users),
	}
}

func (g *Generator) dnsQuery() (string, string, int, map[string]any) {
	img, _ := g.proc()
	return sysmonChannel, sysmonProvider, 22, map[string]any{
		"RuleName": "-", "UtcTime": g.utc(), "ProcessGuid": g.guid(), "ProcessId": 1000 + g.r.IntN(9000),
		"QueryName": g.pick(domains), "QueryStatus": "0", "QueryResults": "type:  5 edge.example.net;::ffff:93.184.216.34;",
		"Image": img, "User": g.pick(users),
	}
}

func (g *Generator) scriptBlock() (string, string, int, map[string]any) {
	return "Microsoft-Windows-PowerShell/Operational", "Microsoft-Windows-PowerShell", 4104, map[string]any{
		"MessageNumber": 1, "MessageTotal": 1, "ScriptBlockText": g.pick(scripts), "ScriptBlockId": g.guid(), "Path": "",
	}
}

func (g *Generator) logon() (string, string, int, map[string]any) {
	return "Security", "Microsoft-Windows-Security-Auditing", 4624, map[string]any{
		"SubjectUserSid": "S-1-5-18", "SubjectUserName": "WS-042$", "SubjectDomainName": "CORP", "SubjectLogonId": "0x3e7",
		"TargetUserSid": "S-1-5-21-1004336348-1177238915-682003330-1104", "TargetUserName": g.pick([]string{"alice", "bob", "svc_backup", "SYSTEM"}),
		"TargetDomainName": "CORP", "TargetLogonId": fmt.Sprintf("0x%x", g.r.Uint32()), "LogonType": g.pick([]string{"2", "3", "5", "10"}),
		"LogonProcessName": "Advapi  ", "AuthenticationPackageName": "Negotiate", "WorkstationName": "WS-042",
		"LogonGuid": g.guid(), "TransmittedServices": "-", "LmPackageName": "-", "KeyLength": 0,
		"ProcessId": "0x2a4", "ProcessName": `C:\Windows\System32\services.exe`, "IpAddress": "-", "IpPort": "-",
		"ImpersonationLevel": "%%1833", "ElevatedToken": "%%1842",
	}
}

func (g *Generator) secProc() (string, string, int, map[string]any) {
	img, cmd := g.proc()
	pimg, _ := g.proc()
	return "Security", "Microsoft-Windows-Security-Auditing", 4688, map[string]any{
		"SubjectUserSid": "S-1-5-18", "SubjectUserName": "WS-042$", "SubjectDomainName": "CORP", "SubjectLogonId": "0x3e7",
		"NewProcessId": "0x1a2c", "NewProcessName": img, "TokenElevationType": "%%1936", "ProcessId": "0x2a4",
		"CommandLine": cmd, "TargetUserSid": "S-1-0-0", "TargetUserName": "-", "TargetDomainName": "-",
		"TargetLogonId": "0x0", "ParentProcessName": pimg, "MandatoryLabel": "S-1-16-16384",
	}
}
