package winevt

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFlattenKey(t *testing.T) {
	tests := []struct {
		path, want string
		ok         bool
	}{
		{"Event.System.EventID", "EventID", true},
		{"Event.System.EventID.#text", "EventID", true},
		{"Event.System.EventID.#attributes.Qualifiers", "EventID_Qualifiers", true},
		{"Event.System.Provider.#attributes.Name", "Provider_Name", true},
		{"Event.System.TimeCreated.#attributes.SystemTime", "TimeCreated_SystemTime", true},
		{"Event.System.Execution.#attributes.ProcessID", "Execution_ProcessID", true},
		{"Event.System.Channel", "Channel", true},
		{"Event.EventData.Image", "Image", true},
		{"Event.EventData.Data", "Data", true},
		{"Event.EventData.#attributes.Name", "", false},
		{"Event.UserData.LogFileCleared.SubjectUserName", "SubjectUserName", true},
		{"Event.UserData.LogFileCleared.#attributes.xmlns", "", false},
		{"Event.UserData.LogFileCleared", "", false},
		{"Event.#attributes.xmlns", "", false},
		{"Event.RenderingInfo.Message", "RenderingInfo_Message", true},
		{"Other.Field", "", false},
	}
	for _, tc := range tests {
		got, ok := FlattenKey(tc.path)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FlattenKey(%q) = %q, %v; want %q, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name              string
		channel, provider string
		id                int64
		hasID             bool
		want              LogSource
	}{
		{"sysmon 3", "Microsoft-Windows-Sysmon/Operational", "Microsoft-Windows-Sysmon", 3, true, LogSource{"sysmon", []string{"network_connection"}, true}},
		{"sysmon 13", "Microsoft-Windows-Sysmon/Operational", "", 13, true, LogSource{"sysmon", []string{"registry_set", "registry_event"}, true}},
		{"sysmon status has no other category", "Microsoft-Windows-Sysmon/Operational", "", 16, true, LogSource{"sysmon", []string{"sysmon_status"}, true}},
		{"channel case ignored", "microsoft-windows-sysmon/operational", "", 1, true, LogSource{"sysmon", []string{"process_creation"}, true}},
		{"security 4688 has no category", "Security", "", 4688, true, LogSource{"security", nil, true}},
		{"powershell 4104", "Microsoft-Windows-PowerShell/Operational", "", 4104, true, LogSource{"powershell", []string{"ps_script"}, true}},
		{"provider only", "", "Microsoft-Windows-Sysmon", 22, true, LogSource{"sysmon", []string{"dns_query"}, true}},
		{"unknown channel", "Some/Channel", "", 1, true, LogSource{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ClassLogSource(Classify(tc.channel, tc.provider, tc.id, tc.hasID))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestTitles(t *testing.T) {
	for _, e := range Events() {
		if e.EventID == 3 && e.Service == "sysmon" {
			if got := e.Title(); got != "Sysmon | Event ID 3 | Network connection" {
				t.Errorf("title = %q", got)
			}
			return
		}
	}
	t.Fatal("no Sysmon 3")
}
