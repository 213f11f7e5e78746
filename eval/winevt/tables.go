package winevt

import (
	"strconv"
	"strings"
)

// Source is one Windows log source: a Sigma service and the event log
// channel(s) holding it.
type Source struct {
	Service  string   // Sigma logsource service, e.g. "sysmon"
	Label    string   // short human name, e.g. "Sysmon"
	Channels []string // event log channels, e.g. "Microsoft-Windows-Sysmon/Operational"
}

// EventType is one kind of Windows event with a Sigma category.
type EventType struct {
	Service    string   // service of the Source the event is logged to
	Provider   string   // event provider, e.g. "Microsoft-Windows-Sysmon"
	EventID    int      // event id
	Name       string   // event name as documented by the vendor
	Categories []string // Sigma logsource categories, or nil when none applies
}

// Title renders the event type as "Sysmon | Event ID 3 | Network connection".
func (e EventType) Title() string {
	label := e.Service
	if s, ok := sourceByService(e.Service); ok {
		label = s.Label
	}
	return label + " | Event ID " + strconv.Itoa(e.EventID) + " | " + e.Name
}

// Sources returns the Windows log sources, in a fixed order. The caller
// may modify the returned slice.
func Sources() []Source {
	out := make([]Source, len(sources))
	copy(out, sources)
	return out
}

// Events returns the Windows event types that carry a Sigma category or are
// well known, in a fixed order. The caller may modify the returned slice.
func Events() []EventType {
	out := make([]EventType, len(events))
	copy(out, events)
	return out
}

func sourceByService(service string) (Source, bool) {
	for _, s := range sources {
		if s.Service == service {
			return s, true
		}
	}
	return Source{}, false
}

// sources follows the service → channel list of the SigmaHQ Windows
// taxonomy (sigma-specification appendix and pySigma's windows pipeline).
var sources = []Source{
	{"security", "Security", []string{"Security"}},
	{"system", "System", []string{"System"}},
	{"application", "Application", []string{"Application"}},
	{"sysmon", "Sysmon", []string{"Microsoft-Windows-Sysmon/Operational"}},
	{"powershell", "PowerShell", []string{"Microsoft-Windows-PowerShell/Operational", "PowerShellCore/Operational"}},
	{"powershell-classic", "Windows PowerShell", []string{"Windows PowerShell"}},
	{"taskscheduler", "Task Scheduler", []string{"Microsoft-Windows-TaskScheduler/Operational"}},
	{"wmi", "WMI", []string{"Microsoft-Windows-WMI-Activity/Operational"}},
	{"dns-server", "DNS Server", []string{"DNS Server"}},
	{"dns-server-analytic", "DNS Server Analytic", []string{"Microsoft-Windows-DNS-Server/Analytical"}},
	{"dns-client", "DNS Client", []string{"Microsoft-Windows-DNS Client Events/Operational"}},
	{"driver-framework", "Driver Framework", []string{"Microsoft-Windows-DriverFrameworks-UserMode/Operational"}},
	{"ntlm", "NTLM", []string{"Microsoft-Windows-NTLM/Operational"}},
	{"windefend", "Windows Defender", []string{"Microsoft-Windows-Windows Defender/Operational"}},
	{"codeintegrity-operational", "Code Integrity", []string{"Microsoft-Windows-CodeIntegrity/Operational"}},
	{"firewall-as", "Windows Firewall", []string{"Microsoft-Windows-Windows Firewall With Advanced Security/Firewall"}},
	{"bits-client", "BITS Client", []string{"Microsoft-Windows-Bits-Client/Operational"}},
	{"applocker", "AppLocker", []string{"Microsoft-Windows-AppLocker/MSI and Script", "Microsoft-Windows-AppLocker/EXE and DLL", "Microsoft-Windows-AppLocker/Packaged app-Deployment", "Microsoft-Windows-AppLocker/Packaged app-Execution"}},
	{"msexchange-management", "MSExchange Management", []string{"MSExchange Management"}},
	{"printservice-admin", "PrintService Admin", []string{"Microsoft-Windows-PrintService/Admin"}},
	{"printservice-operational", "PrintService Operational", []string{"Microsoft-Windows-PrintService/Operational"}},
	{"smbclient-security", "SMB Client Security", []string{"Microsoft-Windows-SmbClient/Security"}},
	{"smbclient-connectivity", "SMB Client Connectivity", []string{"Microsoft-Windows-SmbClient/Connectivity"}},
	{"terminalservices-localsessionmanager", "Terminal Services LSM", []string{"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational"}},
	{"diagnosis-scripted", "Diagnosis Scripted", []string{"Microsoft-Windows-Diagnosis-Scripted/Operational"}},
	{"shell-core", "Shell Core", []string{"Microsoft-Windows-Shell-Core/Operational"}},
	{"openssh", "OpenSSH", []string{"OpenSSH/Operational"}},
	{"ldap", "LDAP Client", []string{"Microsoft-Windows-LDAP-Client/Debug"}},
	{"security-mitigations", "Security Mitigations", []string{"Microsoft-Windows-Security-Mitigations/Kernel Mode", "Microsoft-Windows-Security-Mitigations/User Mode"}},
	{"lsa-server", "LSA", []string{"Microsoft-Windows-LSA/Operational"}},
	{"appxdeployment-server", "AppX Deployment Server", []string{"Microsoft-Windows-AppXDeploymentServer/Operational"}},
	{"appxpackaging-om", "AppX Packaging", []string{"Microsoft-Windows-AppxPackagingOM/Operational"}},
	{"capi2", "CAPI2", []string{"Microsoft-Windows-CAPI2/Operational"}},
	{"certificateservicesclient-lifecycle-system", "Certificate Services Client", []string{"Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational"}},
	{"hyper-v-worker", "Hyper-V Worker", []string{"Microsoft-Windows-Hyper-V-Worker-Admin"}},
	{"kernel-shimengine", "Kernel ShimEngine", []string{"Microsoft-Windows-Kernel-ShimEngine/Operational"}},
	{"vhdmp", "VHDMP", []string{"Microsoft-Windows-VHDMP-Operational"}},
	{"appmodel-runtime", "AppModel Runtime", []string{"Microsoft-Windows-AppModel-Runtime/Admin"}},
	{"iis-configuration", "IIS Configuration", []string{"Microsoft-IIS-Configuration/Operational"}},
}

const sysmonProvider = "Microsoft-Windows-Sysmon"

// events lists the Sysmon event types (all with a category), the
// PowerShell script and module events and the classic PowerShell engine
// events. Security event 4688 deliberately has no category: SigmaHQ
// process_creation rules use Sysmon field names (Image, ParentImage, …)
// that 4688 does not carry; see eval/doc.go.
var events = []EventType{
	{"sysmon", sysmonProvider, 1, "Process creation", []string{"process_creation"}},
	{"sysmon", sysmonProvider, 2, "A process changed a file creation time", []string{"file_change"}},
	{"sysmon", sysmonProvider, 3, "Network connection", []string{"network_connection"}},
	{"sysmon", sysmonProvider, 4, "Sysmon service state changed", []string{"sysmon_status"}},
	{"sysmon", sysmonProvider, 5, "Process terminated", []string{"process_termination"}},
	{"sysmon", sysmonProvider, 6, "Driver loaded", []string{"driver_load"}},
	{"sysmon", sysmonProvider, 7, "Image loaded", []string{"image_load"}},
	{"sysmon", sysmonProvider, 8, "CreateRemoteThread", []string{"create_remote_thread"}},
	{"sysmon", sysmonProvider, 9, "RawAccessRead", []string{"raw_access_thread"}},
	{"sysmon", sysmonProvider, 10, "ProcessAccess", []string{"process_access"}},
	{"sysmon", sysmonProvider, 11, "FileCreate", []string{"file_event"}},
	{"sysmon", sysmonProvider, 12, "RegistryEvent (Object create and delete)", []string{"registry_add", "registry_delete", "registry_event"}},
	{"sysmon", sysmonProvider, 13, "RegistryEvent (Value Set)", []string{"registry_set", "registry_event"}},
	{"sysmon", sysmonProvider, 14, "RegistryEvent (Key and Value Rename)", []string{"registry_rename", "registry_event"}},
	{"sysmon", sysmonProvider, 15, "FileCreateStreamHash", []string{"create_stream_hash"}},
	{"sysmon", sysmonProvider, 16, "ServiceConfigurationChange", []string{"sysmon_status"}},
	{"sysmon", sysmonProvider, 17, "PipeEvent (Pipe Created)", []string{"pipe_created"}},
	{"sysmon", sysmonProvider, 18, "PipeEvent (Pipe Connected)", []string{"pipe_created"}},
	{"sysmon", sysmonProvider, 19, "WmiEvent (WmiEventFilter activity detected)", []string{"wmi_event"}},
	{"sysmon", sysmonProvider, 20, "WmiEvent (WmiEventConsumer activity detected)", []string{"wmi_event"}},
	{"sysmon", sysmonProvider, 21, "WmiEvent (WmiEventConsumerToFilter activity detected)", []string{"wmi_event"}},
	{"sysmon", sysmonProvider, 22, "DNSEvent (DNS query)", []string{"dns_query"}},
	{"sysmon", sysmonProvider, 23, "FileDelete (File Delete archived)", []string{"file_delete"}},
	{"sysmon", sysmonProvider, 24, "ClipboardChange", []string{"clipboard_capture"}},
	{"sysmon", sysmonProvider, 25, "ProcessTampering", []string{"process_tampering"}},
	{"sysmon", sysmonProvider, 26, "FileDeleteDetected", []string{"file_delete"}},
	{"sysmon", sysmonProvider, 27, "FileBlockExecutable", []string{"file_block_executable"}},
	{"sysmon", sysmonProvider, 28, "FileBlockShredding", []string{"file_block_shredding"}},
	{"sysmon", sysmonProvider, 29, "FileExecutableDetected", []string{"file_executable_detected"}},
	{"sysmon", sysmonProvider, 255, "Error", []string{"sysmon_error"}},
	{"powershell", "Microsoft-Windows-PowerShell", 4103, "Module logging", []string{"ps_module"}},
	{"powershell", "Microsoft-Windows-PowerShell", 4104, "Script block logging", []string{"ps_script"}},
	{"powershell-classic", "PowerShell", 400, "Engine state changed", []string{"ps_classic_start"}},
	{"powershell-classic", "PowerShell", 600, "Provider started", []string{"ps_classic_provider_start"}},
	{"powershell-classic", "PowerShell", 800, "Pipeline execution details", []string{"ps_classic_script"}},
	{"security", "Microsoft-Windows-Security-Auditing", 4624, "An account was successfully logged on", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 4625, "An account failed to log on", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 4688, "A new process has been created", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 4697, "A service was installed in the system", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 4698, "A scheduled task was created", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 4720, "A user account was created", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 4768, "A Kerberos authentication ticket (TGT) was requested", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 4769, "A Kerberos service ticket was requested", nil},
	{"security", "Microsoft-Windows-Security-Auditing", 5145, "A network share object was checked", nil},
	{"security", "Microsoft-Windows-Eventlog", 1102, "The audit log was cleared", nil},
	{"system", "Service Control Manager", 7045, "A service was installed in the system", nil},
	{"system", "Microsoft-Windows-Eventlog", 104, "The log file was cleared", nil},
}

// LogSource is the Sigma logsource a Windows event belongs to.
type LogSource struct {
	// Service is the Sigma service, or "" when the channel is unknown.
	Service string
	// Categories are the Sigma categories of the event. They are only
	// meaningful when CategoryKnown.
	Categories []string
	// CategoryKnown reports that the event's source is known well enough
	// to say which categories it has (possibly none).
	CategoryKnown bool
}

// Class identifies the logsource of a Windows event as a small integer, so
// that callers can precompute per-class data. Class 0 is "a Windows event
// of an unknown channel"; see NumClasses and ClassLogSource.
type Class int

// classes: 0 unknown channel; 1..len(sources) source without a
// categorised event type; then one class per entry of events.
func numSources() int { return len(sources) }

// NumClasses returns the number of distinct classes.
func NumClasses() int { return 1 + len(sources) + len(events) }

// ClassLogSource returns the logsource of a class.
func ClassLogSource(c Class) LogSource {
	switch {
	case c <= 0 || int(c) >= NumClasses():
		return LogSource{}
	case int(c) <= numSources():
		return LogSource{Service: sources[c-1].Service, CategoryKnown: true}
	}
	e := events[int(c)-1-numSources()]
	return LogSource{Service: e.Service, Categories: e.Categories, CategoryKnown: true}
}

// Classify returns the class of an event from its Channel, its
// Provider_Name and its EventID (hasID false when the event has none).
// The channel decides the service; the provider is used when the channel
// is missing. Matching of names ignores case.
func Classify(channel, provider string, eventID int64, hasID bool) Class {
	si, ok := channelIndex[channel]
	if !ok {
		si = -1
		for ch, i := range channelIndex {
			if strings.EqualFold(ch, channel) {
				si = i
				break
			}
		}
	}
	if si < 0 && channel == "" && provider != "" {
		for _, e := range events {
			if strings.EqualFold(e.Provider, provider) {
				si = indexOfService(e.Service)
				break
			}
		}
	}
	if si < 0 {
		return 0
	}
	if hasID {
		if j, ok := eventIndex[eventKey{si, eventID}]; ok {
			return Class(1 + numSources() + j)
		}
	}
	return Class(1 + si)
}

type eventKey struct {
	source int
	id     int64
}

// channelIndex and eventIndex are read-only lookup tables derived from
// sources and events once, at package initialisation.
var (
	channelIndex = func() map[string]int {
		m := map[string]int{}
		for i, s := range sources {
			for _, ch := range s.Channels {
				m[ch] = i
			}
		}
		return m
	}()
	eventIndex = func() map[eventKey]int {
		m := map[eventKey]int{}
		for j, e := range events {
			if e.Categories != nil {
				m[eventKey{indexOfService(e.Service), int64(e.EventID)}] = j
			}
		}
		return m
	}()
)

func indexOfService(service string) int {
	for i, s := range sources {
		if s.Service == service {
			return i
		}
	}
	return -1
}
